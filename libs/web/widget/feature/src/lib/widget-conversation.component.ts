import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, Injector, afterNextRender, computed, effect, inject, input, output, signal, untracked, viewChild } from '@angular/core';
import { LIMITS } from '@parley/shared/limits';
import { AttachmentClient, ConversationStore, MessageDraft, RatingPrompts, lastSeq, providePendingFiles } from '@parley/web/chat/data-access';
import {
  ATTACHMENT_FILES,
  ChatRatingComponent,
  ComposerComponent,
  ConversationMessagesComponent,
  SITE_LINKS_IN_NEW_TAB,
  TypingIndicatorComponent,
  type ChatRatingChoice,
} from '@parley/web/chat/ui';
import { HostBridge, WIDGET_STORAGE, countUnread, markSeen, seenSeq } from '@parley/web/widget/data-access';

/**
 * One conversation in the panel: the site's conversation store and message
 * list, typing, "talk to a person", ending it, rating it once it ended (asked
 * once), and the unread count for the launcher's badge while the panel is
 * closed or the tab hidden.
 */
@Component({
  selector: 'parley-widget-conversation',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ChatRatingComponent, ComposerComponent, ConversationMessagesComponent, TypingIndicatorComponent],
  providers: [
    ConversationStore,
    providePendingFiles(),
    MessageDraft,
    { provide: ATTACHMENT_FILES, useExisting: AttachmentClient },
    // the frame must stay on the conversation: help articles the bot cites open in a tab of their own
    { provide: SITE_LINKS_IN_NEW_TAB, useValue: true },
  ],
  templateUrl: './widget-conversation.component.html',
  styleUrl: './widget-conversation.component.css',
})
export class WidgetConversationComponent {
  readonly chatId = input.required<string>();
  readonly viewerId = input.required<string | null>();
  /** Take the focus once drawn (the visitor was typing the first message: they go on typing here). */
  readonly focusComposer = input(false);
  /** Said above the messages: how the team will reply (the chat started while it was away). */
  readonly confirmation = input<string | null>(null);
  /** "Start a new conversation" after this one ended. */
  readonly startNew = output<void>();

  protected readonly store = inject(ConversationStore);
  private readonly ratings = inject(RatingPrompts);
  private readonly bridge = inject(HostBridge);
  private readonly storage = inject(WIDGET_STORAGE);
  private readonly injector = inject(Injector);
  private readonly composer = viewChild(ComposerComponent);
  private readonly endButton = viewChild<ElementRef<HTMLButtonElement>>('endButton');
  private readonly keepOpenButton = viewChild<ElementRef<HTMLButtonElement>>('keepOpenButton');
  private readonly newButton = viewChild<ElementRef<HTMLButtonElement>>('newButton');

  protected readonly maxLength = LIMITS.messageBodyMax;
  /** The text and files of the next message. */
  protected readonly draft = inject(MessageDraft);
  protected readonly confirmingClose = signal(false);
  private readonly tabVisible = signal(typeof document === 'undefined' || document.visibilityState === 'visible');

  protected readonly status = computed(() => {
    const chat = this.store.chat();
    if (!chat) return '';
    if (chat.status === 'CLOSED') return $localize`:@@widget.status.closed:This conversation has ended.`;
    if (chat.agent) return $localize`:@@widget.status.agent:${chat.agent.displayName}:name: is helping you`;
    if (chat.botActive) return $localize`:@@widget.status.bot:Our assistant is answering while you wait for a person`;
    return $localize`:@@widget.status.waiting:Waiting for a person to join. We’ll reply here.`;
  });
  /** Asked once a chat is CLOSED, until rated or dismissed. */
  protected readonly askRating = computed(() => this.ratings.shouldAsk(this.store.chat()));
  protected readonly givenRating = computed(() => this.store.chat()?.rating ?? null);
  protected readonly typingNames = computed(() => this.store.typing().map((p) => p.name));

  constructor() {
    effect(() => {
      const id = this.chatId();
      const viewer = this.viewerId();
      untracked(() => {
        this.confirmingClose.set(false);
        this.draft.open(id);
        this.store.open(id, viewer);
      });
    });
    // Replies seen while the panel shows in a visible tab; the rest is the launcher's badge.
    effect(() => {
      const log = this.store.log();
      const id = this.chatId();
      if (this.bridge.open() && this.tabVisible()) markSeen(this.storage, id, lastSeq(log) ?? 0);
      this.bridge.unread(countUnread(log.confirmed, seenSeq(this.storage, id)));
    });
    effect(() => {
      if (this.store.closed() && this.closeRequested) {
        this.closeRequested = false;
        this.focusAfterRender(() => this.newButton());
      }
    });
    // The question goes once the rating is saved: the focus moves on to "Start a new conversation".
    effect(() => {
      if (this.givenRating() !== null && this.rateRequested) {
        this.rateRequested = false;
        this.focusAfterRender(() => this.newButton());
      }
    });
    afterNextRender({ write: () => this.focusComposer() && this.composer()?.focus() });
    const onVisibility = () => this.tabVisible.set(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onVisibility);
    inject(DestroyRef).onDestroy(() => document.removeEventListener('visibilitychange', onVisibility));
  }

  protected send(text: string): void {
    if (this.draft.send(text)) this.composer()?.focus();
  }

  protected rate(choice: ChatRatingChoice): void {
    this.store.rate(choice.rating, choice.comment);
    this.rateRequested = true;
  }
  private rateRequested = false;

  protected dismissRating(): void {
    this.ratings.dismiss(this.chatId());
    this.focusAfterRender(() => this.newButton());
  }

  protected startClosing(): void {
    this.confirmingClose.set(true);
    this.focusAfterRender(() => this.keepOpenButton());
  }

  protected cancelClose(event?: Event): void {
    // Escape here cancels the question; it does not close the panel
    event?.stopPropagation();
    this.confirmingClose.set(false);
    this.focusAfterRender(() => this.endButton());
  }

  /** The end buttons go away with the open chat: focus moves to "Start a new conversation" once it shows. */
  protected confirmClose(): void {
    this.store.close();
    this.confirmingClose.set(false);
    this.closeRequested = true;
  }
  private closeRequested = false;

  private focusAfterRender(target: () => ElementRef<HTMLElement> | undefined): void {
    afterNextRender({ write: () => target()?.nativeElement.focus() }, { injector: this.injector });
  }
}
