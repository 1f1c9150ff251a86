import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, inject, signal } from '@angular/core';
import { firstValueFrom, type Observable } from 'rxjs';
import { toAppError } from '@parley/web/shared/data-access';
import { DeskCreateCannedReplyGQL, DeskDeleteCannedReplyGQL, DeskUpdateCannedReplyGQL } from '@parley/web/desk/api/data-access';
import { TeamStore, type CannedReply } from '@parley/web/desk/inbox/data-access';
import { describeCannedReplyError } from './team-form-problems';

const SHORTCUT_PATTERN = '/?[A-Za-z0-9_\\-]+';

/** The admin screen's canned replies: add, edit in place (shortcut and text), delete. */
@Component({
  selector: 'parley-desk-canned-admin',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section aria-labelledby="canned-heading">
      <h2 id="canned-heading" i18n="@@desk.admin.canned">Canned replies</h2>
      @if (notice(); as text) {
        <p class="notice" role="alert">{{ text }}</p>
      }
      <ul class="canned">
        @for (reply of team.cannedReplies(); track reply.id) {
          <li [attr.data-canned]="reply.shortcut">
            @if (editing() === reply.id) {
              <form class="row-form" (submit)="save(reply, $event)" (keydown.escape)="cancel(reply)">
                <label><span i18n="@@desk.admin.shortcut">Shortcut</span> <input name="shortcut" required maxlength="33" [pattern]="pattern" autocomplete="off" [value]="reply.shortcut" /></label>
                <label class="wide"><span i18n="@@desk.admin.body">Text</span> <textarea name="body" required maxlength="4000" rows="2" [value]="reply.body"></textarea></label>
                <button type="submit" class="button button--primary button--sm" i18n="@@desk.admin.saveCanned">Save</button>
                <button type="button" class="button button--secondary button--sm" (click)="cancel(reply)" i18n="@@desk.admin.cancelCanned">Cancel</button>
              </form>
            } @else {
              <code>/{{ reply.shortcut }}</code> {{ reply.body }}
              <button type="button" class="link" [attr.data-edit]="reply.id" (click)="edit(reply)" i18n="@@desk.admin.editCanned">Edit /{{ reply.shortcut }}</button>
              <button type="button" class="link" (click)="remove(reply.id)" i18n="@@desk.admin.deleteCanned">Delete /{{ reply.shortcut }}</button>
            }
          </li>
        } @empty {
          <li class="muted" i18n="@@desk.admin.noCanned">None yet.</li>
        }
      </ul>
      <form class="row-form" (submit)="add($event)">
        <label><span i18n="@@desk.admin.shortcut">Shortcut</span> <input name="shortcut" required maxlength="33" [pattern]="pattern" autocomplete="off" /></label>
        <label class="wide"><span i18n="@@desk.admin.body">Text</span> <textarea name="body" required maxlength="4000" rows="2"></textarea></label>
        <button type="submit" class="button button--primary button--sm" i18n="@@desk.admin.addCanned">Add</button>
      </form>
    </section>
  `,
  styleUrl: './canned-replies-admin.component.css',
})
export class CannedRepliesAdminComponent {
  protected readonly team = inject(TeamStore);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  private readonly createGql = inject(DeskCreateCannedReplyGQL);
  private readonly updateGql = inject(DeskUpdateCannedReplyGQL);
  private readonly deleteGql = inject(DeskDeleteCannedReplyGQL);
  protected readonly pattern = SHORTCUT_PATTERN;
  /** The reply being edited, if any. */
  protected readonly editing = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);

  constructor() {
    this.team.loadCannedReplies();
  }

  protected async add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    if (await this.run(this.createGql.mutate({ variables: fields(form) }))) form.reset();
  }

  protected edit(reply: CannedReply): void {
    this.editing.set(reply.id);
    this.notice.set(null);
    this.focusAfterRender(`[data-canned="${reply.shortcut}"] input[name="shortcut"]`);
  }

  protected async save(reply: CannedReply, event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const variables = { id: reply.id, ...fields(event.target as HTMLFormElement) };
    if (await this.run(this.updateGql.mutate({ variables }))) {
      this.editing.set(null);
      this.focusAfterRender(`[data-edit="${reply.id}"]`);
    }
  }

  protected cancel(reply: CannedReply): void {
    this.editing.set(null);
    this.focusAfterRender(`[data-edit="${reply.id}"]`);
  }

  protected remove(id: string): void {
    void this.run(this.deleteGql.mutate({ variables: { id } }));
  }

  private focusAfterRender(selector: string): void {
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>(selector)?.focus(), { injector: this.injector });
  }

  private async run(change: Observable<unknown>): Promise<boolean> {
    this.notice.set(null);
    try {
      await firstValueFrom(change);
      this.team.loadCannedReplies();
      return true;
    } catch (e) {
      this.notice.set(describeCannedReplyError(toAppError(e)));
      return false;
    }
  }
}

function fields(form: HTMLFormElement): { shortcut: string; body: string } {
  const data = new FormData(form);
  return { shortcut: String(data.get('shortcut') ?? '').replace(/^\//, ''), body: String(data.get('body') ?? '') };
}
