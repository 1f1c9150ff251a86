import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { WEBHOOK_EVENTS, chosenEvents, type WebhookEventType } from '@parley/web/desk/admin/data-access';

/** What the form sends: the URL as typed (trimmed) and the checked events, with the form to reset. */
export interface WebhookFormValue {
  url: string;
  events: WebhookEventType[];
  form: HTMLFormElement;
}

/**
 * A webhook's URL and events, for adding one and for editing one: the API's
 * problems beside their fields (aria-invalid, described by). Its buttons come
 * from the page (projected), so each use says what it does.
 */
@Component({
  selector: 'parley-desk-webhook-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form [id]="prefix()" class="webhook-form" novalidate (submit)="submit($event)" [attr.aria-labelledby]="labelledBy()">
      <div class="field">
        <label [for]="prefix() + '-url'" i18n="@@desk.webhooks.url">Endpoint URL</label>
        <input [id]="prefix() + '-url'" name="url" type="url" inputmode="url" autocomplete="off" spellcheck="false" placeholder="https://example.com/parley"
          [value]="url()" [attr.aria-invalid]="problems()['url'] ? 'true' : null"
          [attr.aria-describedby]="problems()['url'] ? prefix() + '-url-hint ' + prefix() + '-url-problem' : prefix() + '-url-hint'" />
        <p class="hint" [id]="prefix() + '-url-hint'" i18n="@@desk.webhooks.urlHint">HTTPS in production, on a public address.</p>
        @if (problems()['url']; as problem) {
          <p class="field-error" [id]="prefix() + '-url-problem'">{{ problem }}</p>
        }
      </div>
      <fieldset [attr.aria-describedby]="problems()['events'] ? prefix() + '-events-problem' : null">
        <legend i18n="@@desk.webhooks.events">Events to send</legend>
        @for (event of events; track event) {
          <label class="check">
            <input type="checkbox" name="events" [value]="event" [checked]="checked().includes(event)" [attr.aria-invalid]="problems()['events'] ? 'true' : null" />
            <span><code>{{ event }}</code>&ngsp;<span class="hint">{{ describeEvent(event) }}</span></span>
          </label>
        }
        @if (problems()['events']; as problem) {
          <p class="field-error" [id]="prefix() + '-events-problem'">{{ problem }}</p>
        }
      </fieldset>
      <p class="actions"><ng-content /></p>
    </form>
  `,
  styles: `
    .webhook-form { display: grid; gap: 0.75rem; padding: 0.75rem 1rem; border: 1px solid var(--color-border); border-radius: var(--radius); background: var(--color-surface); }
    .field { display: grid; gap: 0.25rem; max-width: 40rem; }
    .field label { font-weight: 600; font-size: 0.875rem; }
    input { font: inherit; padding: 0.25rem 0.5rem; border: 1px solid var(--color-border-strong); border-radius: var(--radius); }
    .field input[aria-invalid='true'] { border-color: var(--color-danger); }
    .hint { margin: 0; color: var(--color-muted); font-size: 0.8125rem; }
    fieldset { border: 1px solid var(--color-border); border-radius: var(--radius); padding: 0.5rem 0.75rem 0.75rem; margin: 0; display: grid; gap: 0.375rem; }
    legend { font-weight: 600; font-size: 0.875rem; padding: 0 0.25rem; }
    .check { display: flex; gap: 0.5rem; align-items: baseline; font-size: 0.875rem; }
    .check input { padding: 0; }
    .field-error { margin: 0; color: var(--color-danger); font-size: 0.8125rem; font-weight: 500; }
    .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0; }
  `,
})
export class WebhookFormComponent {
  /** The form's id and its fields' prefix (`add-webhook`, `edit-<id>`). */
  readonly prefix = input.required<string>();
  readonly labelledBy = input.required<string>();
  /** The values it starts with (editing); empty when adding. */
  readonly url = input('');
  readonly checked = input<readonly string[]>([]);
  /** The API's word on the fields (url, events), already in the desk's language. */
  readonly problems = input<Record<string, string>>({});
  readonly save = output<WebhookFormValue>();

  protected readonly events = WEBHOOK_EVENTS;

  protected describeEvent(event: WebhookEventType): string {
    switch (event) {
      case 'chat.created':
        return $localize`:@@desk.webhooks.eventChatCreated:A customer starts a chat`;
      case 'chat.updated':
        return $localize`:@@desk.webhooks.eventChatUpdated:A chat is accepted, assigned or closed`;
      case 'message.created':
        return $localize`:@@desk.webhooks.eventMessageCreated:A message the customer can see (never an internal note)`;
      case 'chat.rated':
        return $localize`:@@desk.webhooks.eventChatRated:A customer rates a closed chat`;
    }
  }

  protected submit(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.save.emit({ url: String(data.get('url') ?? '').trim(), events: chosenEvents(data), form });
  }
}
