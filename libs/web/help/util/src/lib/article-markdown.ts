import DOMPurify from 'dompurify';
import { Marked } from 'marked';

// Links may leave only for http(s) or stay on the site (relative); javascript:, data:, etc. are dropped.
const SAFE_URL = /^(?:https?:|\/(?!\/)|#|\.{1,2}\/|[^:/?#]*(?:[/?#]|$))/i;
const markdown = new Marked({ gfm: true, breaks: false, async: false });

let hooked = false;
function purifier() {
  if (!hooked) {
    // Only http(s) or relative targets (DOMPurify alone lets data: through on images);
    // external links open safely in a new tab.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      for (const name of ['href', 'src']) {
        const value = node.getAttribute(name);
        if (value !== null && !SAFE_URL.test(value.trim())) node.removeAttribute(name);
      }
      const href = node.tagName === 'A' ? node.getAttribute('href') : null;
      if (href && /^https?:/i.test(href.trim())) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    hooked = true;
  }
  return DOMPurify;
}

/**
 * An article's markdown as HTML safe to insert: marked parses it, DOMPurify
 * keeps only ordinary document markup (no script, style, handlers, forms or
 * frames) and only http(s) or relative link and image targets.
 */
export function renderArticleMarkdown(source: string): string {
  const html = markdown.parse(source) as string;
  return purifier().sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'svg', 'math'],
    FORBID_ATTR: ['style', 'id', 'name'],
    ALLOWED_URI_REGEXP: SAFE_URL,
  });
}
