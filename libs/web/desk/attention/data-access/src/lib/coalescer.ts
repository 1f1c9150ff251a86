/** What one desktop notification says about a burst of events. */
export interface Summary {
  title: string;
  body: string;
  /** The chat to open on click: the only one concerned, or null for several. */
  chatId: string | null;
}

export interface AttentionEvent {
  chatId: string;
  who: string;
  text: string;
}

/**
 * Gathers events for `windowMs` after the first one, then hands the burst to
 * `flush` once: ten messages in a second make one notification, not ten.
 */
export class Coalescer {
  private pending: AttentionEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly flush: (events: readonly AttentionEvent[]) => void,
  ) {}

  add(event: AttentionEvent): void {
    this.pending.push(event);
    this.timer ??= setTimeout(() => {
      const events = this.pending;
      this.pending = [];
      this.timer = undefined;
      this.flush(events);
    }, this.windowMs);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}

/** One notification for a burst: the customer and their words when one chat, else a count. */
export function summarize(events: readonly AttentionEvent[]): Summary | null {
  if (!events.length) return null;
  const chats = new Set(events.map((e) => e.chatId));
  if (chats.size === 1) {
    return { title: events[0].who, body: events.slice(-3).map((e) => e.text).join('\n'), chatId: events[0].chatId };
  }
  return {
    title: $localize`:@@desk.notify.burstTitle:${events.length}:count: updates in ${chats.size}:chats: chats`,
    body: events
      .slice(-3)
      .map((e) => `${e.who}: ${e.text}`)
      .join('\n'),
    chatId: null,
  };
}

/** The tab title with the unread badge: "(3) Parley desk". */
export function badgedTitle(base: string, count: number): string {
  const clean = base.replace(/^\(\d+\+?\)\s/, '');
  if (count <= 0) return clean;
  return `(${count > 99 ? '99+' : count}) ${clean}`;
}
