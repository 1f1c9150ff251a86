import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked, viewChild } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import type { Subscription } from 'rxjs';
import { LIMITS } from '@parley/shared/limits';
import { AuthService, SessionStore } from '@parley/web/auth/data-access';
// the light entry points: the conversation's list and stores load only with the first conversation (@defer)
import { ChatListStore, DraftStore, PendingFiles, SupportStatusStore, providePendingFiles } from '@parley/web/chat/data-access/compose';
import { ComposerComponent, SupportStatusNoteComponent } from '@parley/web/chat/ui/composer';
import { RealtimeConnection, describeError, toAppError } from '@parley/web/shared/data-access';
import { ConnectionBannerComponent, SpinnerComponent } from '@parley/web/shared/ui';
import { newClientId } from '@parley/web/shared/util';
import { HostBridge, VisitorSession, WidgetSettingsStore, visitorEmailProblem } from '@parley/web/widget/data-access';
import { WidgetConversationComponent } from './widget-conversation.component';

const FIRST_MESSAGE_DRAFT = 'widget.first';

/**
 * The website widget's one screen, in the loader's panel: the visitor writes
 * at once (a session starts with the first message, or the first file chosen
 * for it), then follows the same
 * live conversation as on the site; a closed conversation can be followed by
 * a new one here. With nobody to answer now (nobody ONLINE, or outside
 * business hours) the first screen says so and asks for an email to reply to
 * (required when this server sends email). Speaks the loader's protocol
 * through HostBridge.
 */
@Component({
  selector: 'parley-widget-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ComposerComponent, ConnectionBannerComponent, SpinnerComponent, SupportStatusNoteComponent, WidgetConversationComponent],
  providers: [providePendingFiles()],
  templateUrl: './widget.page.html',
  styleUrl: './widget.page.css',
  host: { '(document:keydown.escape)': 'closePanel()' },
})
export class WidgetPage {
  protected readonly bridge = inject(HostBridge);
  protected readonly visitor = inject(VisitorSession);
  protected readonly settings = inject(WidgetSettingsStore);
  protected readonly support = inject(SupportStatusStore);
  private readonly features = toSignal(inject(AuthService).siteFeatures());
  protected readonly session = inject(SessionStore);
  protected readonly list = inject(ChatListStore);
  protected readonly realtime = inject(RealtimeConnection);
  private readonly drafts = inject(DraftStore);
  /** Files for the first message: a new visitor's session starts with the first one chosen (uploads need a token). */
  protected readonly files = inject(PendingFiles);
  /** This panel started the session for files: a new visitor, with no list to wait for. */
  private readonly startedForFiles = signal(false);
  private readonly firstComposer = viewChild(ComposerComponent);

  protected readonly maxLength = LIMITS.messageBodyMax;
  protected readonly displayNameMax = LIMITS.displayNameMax;
  protected readonly emailMax = LIMITS.emailMax;
  protected readonly userId = computed(() => this.session.user()?.id ?? null);
  /** The visitor asked for a new conversation (the last one ended). */
  private readonly startingNew = signal(false);
  /** The chat this panel started, before the list has it. */
  private readonly chosenId = signal<string | null>(null);
  /** The visitor just wrote their first message: the conversation's message box takes the focus. */
  protected readonly justStarted = signal(false);
  protected readonly currentChatId = computed(() => {
    if (this.startingNew()) return null;
    return this.chosenId() ?? this.list.chats()[0]?.id ?? null;
  });
  /** Signed in and the list not read yet: wait before offering a new conversation. */
  protected readonly waitingForList = computed(() => this.session.signedIn() && !this.list.loaded() && !this.chosenId() && !this.startedForFiles());
  /** A new visitor: no session yet, or one this panel started for files (their details still go with the first message). */
  private readonly beforeFirstMessage = computed(() => !this.session.signedIn() || this.startedForFiles());
  /** Pre-chat fields: asked only before the first message, when the team turned them on. */
  protected readonly askName = computed(() => this.beforeFirstMessage() && this.settings.askName());
  /** Nobody can answer now: the first screen says so (and asks a new visitor for an address). */
  protected readonly away = computed(() => this.support.away());
  protected readonly askEmail = computed(() => this.beforeFirstMessage() && (this.settings.askEmail() || this.away()));
  /** Away, on a server that sends email: the reply goes by email, so the address is needed. */
  protected readonly emailRequired = computed(() => this.away() && this.features()?.email === true);
  protected readonly emailError = signal<string | null>(null);
  /** Said in the conversation once a chat started while the team was away. */
  protected readonly awayConfirmation = signal<string | null>(null);
  /** The first screen shows (no conversation, the list read): the time to ask whether someone can answer. */
  private readonly startShown = computed(() => !this.currentChatId() && !this.waitingForList());

  protected readonly firstMessage = signal(this.drafts.get(FIRST_MESSAGE_DRAFT));
  protected readonly name = signal('');
  protected readonly email = signal('');
  protected readonly starting = signal(false);
  protected readonly startError = signal<string | null>(null);
  private clientMessageId = newClientId();

  constructor() {
    this.settings.load();
    // Asked each time the first screen shows and each time the panel opens on it, and kept fresh while it shows.
    effect((onCleanup) => {
      if (this.startShown() && this.bridge.open()) onCleanup(untracked(() => this.support.watch()));
    });
    // The list follows whoever is signed in (a new visitor, an identified person), and nobody once signed out.
    let live: Subscription | undefined;
    effect(() => {
      const user = this.userId();
      untracked(() => {
        live?.unsubscribe();
        live = undefined;
        this.list.reset();
        this.chosenId.set(null);
        if (!user) this.startedForFiles.set(false);
        if (user) live = this.list.connect();
      });
    });
    inject(DestroyRef).onDestroy(() => live?.unsubscribe());

    // Who the host says is signed in: identify them once its settings arrive; nobody: forget an identified session.
    effect(() => {
      if (!this.bridge.settled()) return;
      const identity = this.bridge.initialIdentity();
      untracked(() => {
        if (identity) void this.visitor.identify(identity);
        else if (this.visitor.identifiedAs() !== null) void this.visitor.forget();
      });
    });
    this.bridge.identifyRequests.pipe(takeUntilDestroyed()).subscribe((identity) => void this.visitor.identify(identity));
    this.bridge.signOutRequests.pipe(takeUntilDestroyed()).subscribe(() => void this.visitor.forget());
    effect(() => {
      if (!this.currentChatId()) this.bridge.unread(0);
    });
  }

  protected closePanel(): void {
    this.bridge.close();
  }

  protected onFirstMessage(text: string): void {
    this.firstMessage.set(text);
    this.drafts.set(FIRST_MESSAGE_DRAFT, text);
  }

  protected async addFiles(chosen: File[]): Promise<void> {
    if (!chosen.length) return;
    if (!this.session.signedIn()) {
      // set first: the list that follows the new session must not take the message box's place while it loads
      this.startedForFiles.set(true);
      this.startError.set(null);
      try {
        await this.visitor.ensureForFiles({ displayName: this.name(), email: this.email() });
      } catch (e: unknown) {
        this.startedForFiles.set(false);
        this.failed(e);
        return;
      }
    }
    this.startError.set(this.files.add(chosen));
  }

  protected onEmail(value: string): void {
    this.email.set(value);
    this.emailError.set(null);
  }

  protected newConversation(): void {
    this.startingNew.set(true);
    this.chosenId.set(null);
    queueMicrotask(() => this.firstComposer()?.focus());
  }

  /** The first message: a visitor session if there is none yet, then the chat. */
  protected async start(text: string): Promise<void> {
    const message = text.trim();
    if ((!message && !this.files.files().length) || this.starting()) return;
    if (!this.checkEmail()) return;
    this.starting.set(true);
    this.startError.set(null);
    const away = this.away();
    try {
      await this.visitor.ensure({ displayName: this.name(), email: this.email() });
    } catch (e: unknown) {
      this.failed(e);
      return;
    }
    const attachmentIds = this.files.uploaded().map((f) => f.id);
    this.list.start({ subject: null, message, clientMessageId: this.clientMessageId, attachmentIds }).subscribe({
      next: (chat) => {
        this.starting.set(false);
        this.clientMessageId = newClientId();
        this.firstMessage.set('');
        this.files.clear();
        this.drafts.clear(FIRST_MESSAGE_DRAFT);
        this.justStarted.set(true);
        this.startedForFiles.set(false);
        this.awayConfirmation.set(away ? this.confirmation() : null);
        this.chosenId.set(chat.id);
        this.startingNew.set(false);
      },
      error: (e: unknown) => this.failed(e),
    });
  }

  /** The address, if asked for, can be replied to; otherwise says why next to it and takes the focus there. */
  private checkEmail(): boolean {
    if (!this.askEmail()) return true;
    const problem = visitorEmailProblem(this.email(), this.emailRequired());
    if (!problem) return true;
    this.emailError.set(
      problem === 'missing'
        ? $localize`:@@widget.email.missing:Enter your email so we can reply.`
        : $localize`:@@widget.email.invalid:Enter an email address like name@example.com.`,
    );
    queueMicrotask(() => document.getElementById('widget-email')?.focus());
    return false;
  }

  /** "We'll reply by email at …" where email is on and the visitor has an address; "here" otherwise. */
  private confirmation(): string {
    const email = this.email().trim() || this.session.user()?.email || '';
    return this.features()?.email === true && email
      ? $localize`:@@widget.away.byEmail:Thanks! We’ll reply by email at ${email}:email: as soon as we’re back.`
      : $localize`:@@widget.away.here:Thanks! We’ll reply here as soon as we’re back.`;
  }

  private failed(e: unknown): void {
    this.starting.set(false);
    const error = toAppError(e);
    const field = Object.values(error.fields)[0];
    this.startError.set(field ?? describeError(error));
  }
}
