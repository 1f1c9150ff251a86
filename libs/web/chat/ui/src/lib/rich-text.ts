/**
 * Message text as inline pieces to render with Angular's own bindings, never
 * as HTML: a message can hold no markup, only text, links and (in BOT answers)
 * a small markdown subset. Links are http(s) URLs, and the site's own help
 * articles (`/help/articles/<id>`, as the bot cites them); anything else stays text.
 */
export interface RichPiece {
  text: string;
  /** An http(s) URL, or a help article's path on this site. */
  href?: string;
  /** A page of this site (a help article): followed in place, not in a new tab. */
  internal?: boolean;
  strong?: boolean;
}

// A URL runs to the next space or quote; trailing punctuation belongs to the sentence.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;
const MARKDOWN_LINK = /\[([^\]\n]{1,200})\]\(([^)\s]{1,2000})\)/g;
// A help article's path, standing alone (not inside a URL or another path).
const HELP_PATH = /(?<![\w/.:-])\/help\/articles\/[A-Za-z0-9-]{1,64}(?![\w/])/g;
const HELP_PATH_EXACT = /^\/help\/articles\/[A-Za-z0-9-]{1,64}$/;
const STRONG = /\*\*([^*\n]{1,1000})\*\*/g;

/** A link target that is safe to follow, or null. */
export function safeHref(raw: string): { href: string } | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? { href: url.href } : null;
  } catch {
    return null;
  }
}

/** A help article's path on this site, or null. */
export function helpArticleHref(raw: string): { href: string; internal: true } | null {
  return HELP_PATH_EXACT.test(raw) ? { href: raw, internal: true } : null;
}

/** The pieces of `text`: URLs linked always; with `markdown`, also **bold** and [label](url). */
export function richText(text: string, markdown = false): RichPiece[] {
  const pieces: RichPiece[] = [];
  const spans = markdown ? splitStrong(text) : [{ text, strong: false }];
  for (const span of spans) {
    for (const piece of markdown ? splitMarkdownLinks(span.text) : [{ text: span.text } as RichPiece]) {
      const found = piece.href ? [piece] : linkify(piece.text).flatMap((part) => (part.href ? [part] : linkHelpPaths(part.text)));
      for (const part of found) pieces.push(span.strong ? { ...part, strong: true } : part);
    }
  }
  return merge(pieces);
}

function splitStrong(text: string): Array<{ text: string; strong: boolean }> {
  return splitBy<{ text: string; strong: boolean }>(text, STRONG, (match) => [{ text: match[1], strong: true }], (plain) => ({ text: plain, strong: false }));
}

function splitMarkdownLinks(text: string): RichPiece[] {
  return splitBy<RichPiece>(
    text,
    MARKDOWN_LINK,
    (match) => {
      const target = safeHref(match[2]) ?? helpArticleHref(match[2]);
      return [target ? { text: match[1], ...target } : { text: match[0] }];
    },
    (plain) => ({ text: plain }),
  );
}

function linkify(text: string): RichPiece[] {
  return splitBy<RichPiece>(
    text,
    URL_PATTERN,
    (match) => {
      const trailing = TRAILING.exec(match[0])?.[0] ?? '';
      const raw = match[0].slice(0, match[0].length - trailing.length);
      const target = safeHref(raw);
      const link: RichPiece[] = target ? [{ text: raw, ...target }] : [{ text: raw }];
      return trailing ? [...link, { text: trailing }] : link;
    },
    (plain) => ({ text: plain }),
  );
}

function linkHelpPaths(text: string): RichPiece[] {
  return splitBy<RichPiece>(text, HELP_PATH, (match) => [{ text: match[0], href: match[0], internal: true }], (plain) => ({ text: plain }));
}

function splitBy<T>(text: string, pattern: RegExp, onMatch: (match: RegExpExecArray) => T[], onText: (plain: string) => T): T[] {
  const out: T[] = [];
  let last = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match.index > last) out.push(onText(text.slice(last, match.index)));
    out.push(...onMatch(match));
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push(onText(text.slice(last)));
  return out;
}

/** Neighbouring plain pieces of the same weight become one. */
function merge(pieces: RichPiece[]): RichPiece[] {
  const out: RichPiece[] = [];
  for (const piece of pieces) {
    const previous = out[out.length - 1];
    if (previous && !previous.href && !piece.href && Boolean(previous.strong) === Boolean(piece.strong)) previous.text += piece.text;
    else if (piece.text) out.push({ ...piece });
  }
  return out;
}
