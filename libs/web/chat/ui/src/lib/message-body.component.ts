import { ChangeDetectionStrategy, Component, InjectionToken, computed, inject, input } from '@angular/core';
import { richText } from './rich-text';

/** Provide `true` where a page of the site must not replace the view (the widget's frame): its links then open in a new tab too. */
export const SITE_LINKS_IN_NEW_TAB = new InjectionToken<boolean>('SiteLinksInNewTab');

/**
 * A message's text with its http(s) links followable (in a new tab, without
 * opener or referrer), help-article paths as links to the site's own pages and, for BOT answers, bold and markdown links. Rendered through bindings only: no HTML from a message ever reaches the page.
 */
@Component({
  selector: 'parley-message-body',
  // each message in its own direction: English in an Arabic page keeps its punctuation where it was written
  host: { dir: 'auto' },
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@for (piece of pieces(); track $index) {@if (piece.internal && !siteLinksInNewTab) {<a [href]="piece.href" [class.strong]="piece.strong">{{ piece.text }}</a>} @else if (piece.href) {<a [href]="piece.href" target="_blank" rel="noopener noreferrer" [class.strong]="piece.strong">{{ piece.text }}</a>} @else if (piece.strong) {<strong>{{ piece.text }}</strong>} @else {{{ piece.text }}}}`,
  styles: `
    :host { white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word; }
    a { color: inherit; text-decoration: underline; text-underline-offset: 2px; }
    a:focus-visible { outline: 2px solid currentColor; outline-offset: 2px; border-radius: 2px; }
    .strong { font-weight: 600; }
  `,
})
export class MessageBodyComponent {
  readonly text = input.required<string>();
  /** BOT answers: a safe markdown subset (bold, links). */
  readonly markdown = input(false);
  protected readonly siteLinksInNewTab = inject(SITE_LINKS_IN_NEW_TAB, { optional: true }) ?? false;
  protected readonly pieces = computed(() => richText(this.text(), this.markdown()));
}
