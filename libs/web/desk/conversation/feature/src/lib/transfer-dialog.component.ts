import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import type { DeskAgentFragment } from '@parley/web/desk/api/data-access';

/** Picks the colleague a chat goes to. A CDK dialog: focus stays inside, Esc cancels, focus returns. */
@Component({
  selector: 'parley-desk-transfer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="sheet" aria-labelledby="transfer-title">
      <h2 id="transfer-title" i18n="@@desk.transfer.title">Transfer the chat to</h2>
      @if (data.colleagues.length) {
        <ul role="list">
          @for (agent of data.colleagues; track agent.id) {
            <li>
              <button type="button" class="pick" (click)="ref.close(agent.id)" [attr.data-agent]="agent.id">
                <span class="name">{{ agent.displayName }}</span>
                <span class="state" [attr.data-state]="agent.availability">{{ label(agent) }}</span>
              </button>
            </li>
          }
        </ul>
      } @else {
        <p i18n="@@desk.transfer.nobody">Nobody else is on the team yet.</p>
      }
      <button type="button" class="button button--secondary button--sm" (click)="ref.close()" i18n="@@desk.transfer.cancel">Cancel</button>
    </section>
  `,
  styles: `
    .sheet { background: var(--color-surface); border-radius: var(--radius); padding: 1.5rem; width: min(28rem, 90vw); box-shadow: 0 10px 30px rgb(0 0 0 / 0.25); }
    h2 { margin: 0 0 1rem; font-size: 1.25rem; }
    ul { list-style: none; margin: 0 0 1rem; padding: 0; display: grid; gap: 0.375rem; }
    .pick { width: 100%; display: flex; justify-content: space-between; gap: 1rem; padding: 0.5rem 0.75rem; border: 1px solid var(--color-border-strong); border-radius: var(--radius); background: var(--color-bg); cursor: pointer; font: inherit; color: var(--color-text); }
    .pick:hover, .pick:focus-visible { background: var(--color-primary-soft); }
    .state { font-size: 0.8125rem; color: var(--color-muted); }
  `,
})
export class TransferDialogComponent {
  protected readonly ref = inject<DialogRef<string>>(DialogRef);
  protected readonly data = inject<{ colleagues: readonly DeskAgentFragment[] }>(DIALOG_DATA);

  protected label(agent: DeskAgentFragment): string {
    const chats = agent.maxChats ?? 0;
    switch (agent.availability) {
      case 'ONLINE':
        return $localize`:@@desk.transfer.online:Online · up to ${chats}:max: chats`;
      case 'AWAY':
        return $localize`:@@desk.transfer.away:Away`;
      default:
        return $localize`:@@desk.transfer.offline:Offline`;
    }
  }
}
