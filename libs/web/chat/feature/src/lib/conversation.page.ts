import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, Injector, afterNextRender, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterLink } from '@angular/router';
import { LIMITS } from '@parley/shared/limits';
import { toSignal } from '@angular/core/rxjs-interop';
import { AuthService, SessionStore } from '@parley/web/auth/data-access';
import { AttachmentClient, ChatListStore, ConversationStore, MessageDraft, RatingPrompts, TranscriptService, providePendingFiles } from '@parley/web/chat/data-access';
import {
  ATTACHMENT_FILES,
  ChatRatingComponent,
  ChatStatusBadgeComponent,
  ComposerComponent,
  ConversationMessagesComponent,
  TypingIndicatorComponent,
  type ChatRatingChoice,
} from '@parley/web/chat/ui';
import { describeError, type AppError } from '@parley/web/shared/data-access';
import { AvatarComponent } from '@parley/web/shared/ui';
import { formatShortTime } from '@parley/web/shared/util';
import { chatTitle } from './chat-shell.page';

@Component({
  selector: 'parley-conversation-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, AvatarComponent, ChatRatingComponent, ChatStatusBadgeComponent, ComposerComponent, ConversationMessagesComponent, TypingIndicatorComponent],
  providers: [ConversationStore, providePendingFiles(), MessageDraft, { provide: ATTACHMENT_FILES, useExisting: AttachmentClient }],
  templateUrl: './conversation.page.html',
  styleUrl: './conversation.page.css',
})
export class ConversationPage {
  /** From the route (:chatId). */
  readonly chatId = input.required<string>();

  protected readonly store = inject(ConversationStore);
  private readonly session = inject(SessionStore);
  private readonly titleService = inject(Title);
  private readonly composer = viewChild(ComposerComponent);
  private readonly injector = inject(Injector);
  private readonly endButton = viewChild<ElementRef<HTMLButtonElement>>('endButton');
  private readonly keepOpenButton = viewChild<ElementRef<HTMLButtonElement>>('keepOpenButton');
  private readonly heading = viewChild<ElementRef<HTMLElement>>('heading');
  private readonly newLink = viewChild<ElementRef<HTMLElement>>('newLink');

  protected readonly maxLength = LIMITS.messageBodyMax;
  protected readonly confirmingClose = signal(false);
  /** The text and files of the next message. */
  protected readonly draft = inject(MessageDraft);

  private readonly transcripts = inject(TranscriptService);
  private readonly features = toSignal(inject(AuthService).siteFeatures());
  /** The transcript button: only where the server sends email and the customer has an address. */
  protected readonly canEmailTranscript = computed(() => Boolean(this.features()?.email && this.session.user()?.email && this.store.chat()));
  protected readonly transcriptState = signal<'idle' | 'sending' | 'sent' | 'failed'>('idle');
  protected readonly transcriptMessage = signal('');
  protected readonly downloading = signal(false);

  protected readonly title = computed(() => {
    const chat = this.store.chat();
    return chat ? chatTitle(chat) : $localize`:@@site.conversation.title:Conversation`;
  });
  protected readonly subtitle = computed(() => {
    const chat = this.store.chat();
    if (!chat) return '';
    if (chat.status === 'CLOSED') return chat.closedAt ? $localize`:@@site.conversation.closedAt:Closed ${formatShortTime(chat.closedAt)}:when:` : $localize`:@@chat.status.closed:Closed`;
    if (chat.agent) return $localize`:@@site.conversation.helping:${chat.agent.displayName}:name: from Support is helping you`;
    if (chat.botActive) return $localize`:@@site.conversation.bot:Our assistant is answering while you wait for an agent`;
    return $localize`:@@site.conversation.waiting:Waiting for an agent to join. We’ll reply here.`;
  });
  protected readonly typingNames = computed(() => this.store.typing().map((p) => p.name));
  private readonly ratings = inject(RatingPrompts);
  /** Asked once a chat is CLOSED, until rated or dismissed; the rating shows afterwards. */
  protected readonly askRating = computed(() => this.ratings.shouldAsk(this.store.chat()));
  protected readonly givenRating = computed(() => this.store.chat()?.rating ?? null);
  protected readonly loadErrorText = computed(() => {
    const e = this.store.loadError();
    if (!e) return null;
    return e.code === 'NOT_FOUND' || e.code === 'FORBIDDEN' ? $localize`:@@site.conversation.notYours:This conversation doesn’t exist or isn’t yours.` : describeError(e);
  });

  protected rate(choice: ChatRatingChoice): void {
    this.store.rate(choice.rating, choice.comment);
    this.rateRequested = true;
  }
  private rateRequested = false;

  protected dismissRating(): void {
    this.ratings.dismiss(this.chatId());
    this.focusAfterRender(() => this.newLink());
  }

  constructor() {
    // the conversation on screen: its replies are read as they come, and its unread mark goes
    const list = inject(ChatListStore);
    inject(DestroyRef).onDestroy(() => list.onScreen.set(null));
    effect(() => {
      const id = this.chatId();
      untracked(() => {
        list.onScreen.set(id);
        list.markRead(id);
        this.confirmingClose.set(false);
        this.draft.open(id);
        this.store.open(id, this.session.user()?.id ?? null);
      });
    });
    effect(() => this.titleService.setTitle($localize`:@@site.conversation.pageTitle:${this.title()}:title: · Parley`));
    // The question goes once the rating is saved: the focus moves on to "Start a new conversation".
    effect(() => {
      if (this.givenRating() !== null && this.rateRequested) {
        this.rateRequested = false;
        this.focusAfterRender(() => this.newLink());
      }
    });
  }

  protected emailTranscript(): void {
    // aria-disabled rather than disabled while sending: a disabled button would drop the keyboard focus.
    if (this.transcriptState() === 'sending') return;
    this.transcriptState.set('sending');
    this.transcriptMessage.set('');
    this.transcripts.email(this.chatId()).subscribe({
      next: (sent) => {
        this.transcriptState.set(sent ? 'sent' : 'failed');
        this.transcriptMessage.set(
          sent
            ? $localize`:@@chat.transcript.sent:The transcript is on its way to ${this.session.user()?.email ?? ''}:address:.`
            : $localize`:@@chat.transcript.unavailable:This site cannot send email right now.`,
        );
      },
      error: (error: AppError) => {
        this.transcriptState.set('failed');
        this.transcriptMessage.set(describeError(error));
      },
    });
  }

  /** Saves the conversation as a text file (what the customer sees: never the team's notes). */
  protected async downloadTranscript(): Promise<void> {
    if (this.downloading()) return;
    this.downloading.set(true);
    this.transcriptMessage.set('');
    try {
      await this.transcripts.download(this.chatId());
    } catch (error) {
      this.transcriptMessage.set($localize`:@@site.transcript.failed:The transcript could not be downloaded. ${describeError(error as AppError)}:reason:`);
    } finally {
      this.downloading.set(false);
    }
  }

  protected send(text: string): void {
    if (this.draft.send(text)) this.composer()?.focus();
  }

  /** Asking to end: focus goes to the safe answer, "Keep open". */
  protected startClosing(): void {
    this.confirmingClose.set(true);
    this.focusAfterRender(() => this.keepOpenButton());
  }

  /** "Keep open" or Escape: back to the button that asked. */
  protected cancelClose(): void {
    this.confirmingClose.set(false);
    this.focusAfterRender(() => this.endButton());
  }

  /** The buttons go away with the open chat: focus rests on the conversation's heading. */
  protected confirmClose(): void {
    this.store.close();
    this.confirmingClose.set(false);
    this.focusAfterRender(() => this.heading());
  }

  private focusAfterRender(target: () => ElementRef<HTMLElement> | undefined): void {
    afterNextRender({ write: () => target()?.nativeElement.focus() }, { injector: this.injector });
  }

  protected reload(): void {
    this.store.open(this.chatId(), this.session.user()?.id ?? null);
  }
}
