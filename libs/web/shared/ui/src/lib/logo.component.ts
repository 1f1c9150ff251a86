import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The Parley mark and word. */
@Component({
  selector: 'parley-logo',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg class="mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="9" fill="#4338ca" />
      <path d="M9 10.5A2.5 2.5 0 0 1 11.5 8h9A2.5 2.5 0 0 1 23 10.5v6a2.5 2.5 0 0 1-2.5 2.5H15l-4.2 3.6c-.5.4-1.3.1-1.3-.6V19A2.5 2.5 0 0 1 9 16.5Z" fill="#fff" />
      <circle cx="13" cy="13.5" r="1.3" fill="#4338ca" /><circle cx="16" cy="13.5" r="1.3" fill="#4338ca" /><circle cx="19" cy="13.5" r="1.3" fill="#4338ca" />
    </svg>
    <span class="word">Parley</span>
  `,
  styles: `
    :host { display: inline-flex; align-items: center; gap: 0.5rem; font-weight: 700; font-size: 1.125rem; letter-spacing: -0.01em; color: inherit; }
    .mark { width: 1.75rem; height: 1.75rem; }
  `,
})
export class LogoComponent {}
