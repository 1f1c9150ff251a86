import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { DialogRef } from '@angular/cdk/dialog';
import { SHORTCUTS } from './keys';

/** The `?` sheet: every key of the desk. A CDK dialog: focus stays inside, Esc closes, focus returns. */
@Component({
  selector: 'parley-desk-shortcuts',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="sheet" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title" i18n="@@desk.keys.title">Keyboard shortcuts</h2>
      <table>
        <caption class="visually-hidden" i18n="@@desk.keys.caption">Keys and what they do</caption>
        <thead>
          <tr><th scope="col" i18n="@@desk.keys.key">Key</th><th scope="col" i18n="@@desk.keys.action">Action</th></tr>
        </thead>
        <tbody>
          @for (s of shortcuts; track s.keys) {
            <tr><td><kbd>{{ s.keys }}</kbd></td><td>{{ s.action }}</td></tr>
          }
        </tbody>
      </table>
      <button type="button" class="button button--secondary button--sm" (click)="ref.close()" cdkFocusInitial i18n="@@desk.keys.close">Close</button>
    </section>
  `,
  styles: `
    .sheet { background: var(--color-surface); border-radius: var(--radius); padding: 1.5rem; width: min(36rem, 90vw); box-shadow: 0 10px 30px rgb(0 0 0 / 0.25); }
    h2 { margin: 0 0 1rem; font-size: 1.25rem; }
    table { width: 100%; border-collapse: collapse; margin-bottom: 1rem; }
    th, td { text-align: start; padding: 0.375rem 0.5rem; border-bottom: 1px solid var(--color-border); font-size: 0.875rem; }
    kbd { font-family: ui-monospace, monospace; background: var(--color-bg-subtle); border: 1px solid var(--color-border-strong); border-radius: 0.25rem; padding: 0.0625rem 0.375rem; }
  `,
})
export class ShortcutsSheetComponent {
  protected readonly ref = inject(DialogRef);
  protected readonly shortcuts = SHORTCUTS;
}
