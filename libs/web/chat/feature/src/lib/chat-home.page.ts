import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

/** The empty right-hand pane on wide screens. */
@Component({
  selector: 'parley-chat-home-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <div class="home">
      <svg class="art" viewBox="0 0 120 96" aria-hidden="true" focusable="false">
        <rect x="8" y="10" width="70" height="46" rx="14" fill="#e0e7ff" />
        <path d="M22 56v16l16-16z" fill="#e0e7ff" />
        <rect x="42" y="38" width="70" height="46" rx="14" fill="#4338ca" />
        <path d="M98 84v10L84 84z" fill="#4338ca" />
        <circle cx="63" cy="61" r="4" fill="#fff" /><circle cx="77" cy="61" r="4" fill="#fff" /><circle cx="91" cy="61" r="4" fill="#fff" />
      </svg>
      <h1 tabindex="-1" i18n="@@site.home.heading">How can we help?</h1>
      <p i18n="@@site.home.text">Start a conversation and a member of our support team will reply here, usually within minutes.</p>
      <a class="button button--primary" routerLink="/chats/new" i18n="@@site.home.start">Start a conversation</a>
    </div>
  `,
  styles: `
    :host { flex: 1; display: grid; place-items: center; padding: 2rem; }
    .home { max-width: 26rem; text-align: center; display: grid; justify-items: center; }
    .art { width: 7.5rem; margin-bottom: 1.5rem; }
    h1 { margin: 0 0 0.5rem; font-size: 1.5rem; letter-spacing: -0.02em; outline: none; }
    p { margin: 0 0 1.5rem; color: var(--color-muted); line-height: 1.55; }
  `,
})
export class ChatHomePage {}
