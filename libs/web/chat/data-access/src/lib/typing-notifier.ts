/** Re-announce "still typing" this often while the customer keeps typing. */
export const TYPING_REFRESH_MS = 3_000;
/** Stop being "typing" after this long without a keystroke. */
export const TYPING_IDLE_MS = 4_000;

/**
 * Turns keystrokes into few setTyping calls: true on the first keystroke and
 * then at most every TYPING_REFRESH_MS, false after TYPING_IDLE_MS of quiet,
 * on send, or when the draft is emptied.
 */
export class TypingNotifier {
  private typing = false;
  private lastSentAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (typing: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call on every change of the draft. */
  input(draft: string): void {
    if (draft.trim() === '') {
      this.stop();
      return;
    }
    const now = this.now();
    if (!this.typing || now - this.lastSentAt >= TYPING_REFRESH_MS) {
      this.typing = true;
      this.lastSentAt = now;
      this.send(true);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  /** Call when the message is sent or the composer goes away. */
  stop(): void {
    clearTimeout(this.idleTimer);
    if (!this.typing) return;
    this.typing = false;
    this.send(false);
  }
}
