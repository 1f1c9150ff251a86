import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter, map } from 'rxjs';
import { AuthService, SessionStore } from '@parley/web/auth/data-access';
import { ChatListStore, type ChatSummaryFragment } from '@parley/web/chat/data-access';
import { ChatStatusBadgeComponent } from '@parley/web/chat/ui';
import { RealtimeConnection, describeError } from '@parley/web/shared/data-access';
import { AvatarComponent, ConnectionBannerComponent, LanguagePickerComponent, LogoComponent, SpinnerComponent } from '@parley/web/shared/ui';
import { formatShortTime, noticeText } from '@parley/web/shared/util';

/** Title of a chat in lists and headers. */
export function chatTitle(chat: Pick<ChatSummaryFragment, 'subject' | 'agent'>): string {
  if (chat.subject?.trim()) return chat.subject.trim();
  return chat.agent ? $localize`:@@site.chatWith:Chat with ${chat.agent.displayName}:name:` : $localize`:@@site.supportRequest:Support request`;
}

/** One line about the last message: "You: …", "Alex: …". */
export function chatPreview(chat: Pick<ChatSummaryFragment, 'lastMessage'>): string {
  const m = chat.lastMessage;
  if (!m) return $localize`:@@site.preview.none:No messages yet`;
  const body = m.body.replace(/\s+/g, ' ').trim();
  switch (m.kind) {
    case 'CUSTOMER':
      return $localize`:@@site.preview.mine:You: ${body}:body:`;
    case 'AGENT':
      return `${m.sender?.displayName ?? $localize`:@@chat.author.agent:Agent`}: ${body}`;
    case 'BOT':
      return $localize`:@@site.preview.bot:Assistant: ${body}:body:`;
    case 'SYSTEM':
      return noticeText(m);
  }
}

/**
 * The signed-in frame: top bar, the list of conversations, and the open one.
 * On a phone only one of list and conversation shows at a time.
 */
@Component({
  selector: 'parley-chat-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, AvatarComponent, LogoComponent, ConnectionBannerComponent, SpinnerComponent, ChatStatusBadgeComponent, LanguagePickerComponent],
  templateUrl: './chat-shell.page.html',
  styleUrl: './chat-shell.page.css',
})
export class ChatShellPage {
  private readonly router = inject(Router);
  private readonly auth = inject(AuthService);
  protected readonly session = inject(SessionStore);
  protected readonly list = inject(ChatListStore);
  protected readonly realtime = inject(RealtimeConnection);

  private readonly url = toSignal(
    this.router.events.pipe(
      filter((e): e is NavigationEnd => e instanceof NavigationEnd),
      map((e) => e.urlAfterRedirects),
    ),
    { initialValue: this.router.url },
  );
  /** A conversation or the new-chat form is open (on a phone, the list hides). */
  protected readonly detailOpen = computed(() => /^\/chats\/[^/?#]+/.test(this.url()));
  protected readonly listError = computed(() => {
    const e = this.list.error();
    return e ? describeError(e) : null;
  });

  protected readonly title = chatTitle;
  protected readonly preview = chatPreview;

  constructor() {
    const live = this.list.connect();
    // "(2) Your conversations · Parley": replies waiting in other conversations, whatever page title is set
    const applyTitle = () => {
      const base = document.title.replace(/^\(\d+\) /, '');
      const count = this.list.unreadCount();
      const wanted = count ? `(${count}) ${base}` : base;
      if (document.title !== wanted) document.title = wanted;
    };
    effect(() => {
      this.list.unreadCount();
      untracked(applyTitle);
    });
    const titleElement = document.querySelector('title');
    const observer = new MutationObserver(() => untracked(applyTitle));
    if (titleElement) observer.observe(titleElement, { childList: true, characterData: true, subtree: true });
    inject(DestroyRef).onDestroy(() => {
      live.unsubscribe();
      observer.disconnect();
      document.title = document.title.replace(/^\(\d+\) /, '');
    });
  }

  protected when(chat: ChatSummaryFragment): string {
    return formatShortTime(chat.lastMessage?.createdAt ?? chat.updatedAt);
  }

  protected signOut(): void {
    void this.auth.signOut();
    this.list.reset();
    void this.router.navigateByUrl('/sign-in');
  }
}
