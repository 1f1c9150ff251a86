import { ChangeDetectionStrategy, Component, input, type Signal } from '@angular/core';
import { SpinnerComponent } from '@parley/web/shared/ui';
import { MessageListComponent } from './message-list.component';
import type { MessageItem } from './timeline-rows';

/** What the message list reads of an open conversation (the conversation store of the site's page and the widget's panel). */
export interface ConversationTimeline {
  readonly loading: Signal<boolean>;
  readonly timeline: Signal<readonly MessageItem[]>;
  readonly hasOlder: Signal<boolean>;
  readonly olderLoading: Signal<boolean>;
  loadOlder(): void;
  retry(clientMessageId: string): void;
  discard(clientMessageId: string): void;
}

/**
 * A customer's conversation, its messages: a spinner until the first page is
 * in, then the list, with its older pages, retries and discards. Its host
 * takes no box of its own: what it shows lays out as the parent's children.
 */
@Component({
  selector: 'parley-conversation-messages',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MessageListComponent, SpinnerComponent],
  template: `
    @let chat = conversation();
    @if (chat.loading() && chat.timeline().length === 0) {
      <div class="state"><parley-spinner [label]="loadingLabel()" /></div>
    } @else {
      <parley-message-list
        [messages]="chat.timeline()"
        [hasOlder]="chat.hasOlder()"
        [loadingOlder]="chat.olderLoading()"
        [label]="label()"
        (loadOlder)="chat.loadOlder()"
        (retry)="chat.retry($event)"
        (discard)="chat.discard($event)"
      />
    }
  `,
  styles: `
    :host { display: contents; }
    .state { flex: 1; display: grid; place-content: center; padding: 1.5rem; color: var(--color-muted); }
    parley-message-list { flex: 1; min-height: 0; }
  `,
})
export class ConversationMessagesComponent {
  readonly conversation = input.required<ConversationTimeline>();
  /** The list's accessible name. */
  readonly label = input.required<string>();
  /** The spinner's, while the first page loads. */
  readonly loadingLabel = input.required<string>();
}
