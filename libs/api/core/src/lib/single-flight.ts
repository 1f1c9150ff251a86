export interface SingleFlightOptions<T> {
  /** How long an answer is reused, in ms: a number, or one per answer (0 keeps nothing; Infinity until `forget`). */
  keepMs: number | ((value: T) => number);
  /** The clock (tests pass their own). */
  now?: () => number;
}

/**
 * One read at a time, its answer kept a while: callers who ask while a read
 * is under way share it, an answer is reused for `keepMs`, and a failed read
 * is kept by no one (the next caller reads again). For a value many requests
 * ask for and few change (a setting, whether a table is empty), where a read
 * per request or one per concurrent caller would cost a statement each.
 */
export class SingleFlight<T> {
  private flight: Promise<T> | undefined;
  private kept: { value: T; until: number } | undefined;
  private readonly now: () => number;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly options: SingleFlightOptions<T>,
  ) {
    this.now = options.now ?? Date.now;
  }

  get(): Promise<T> {
    if (this.kept && this.now() < this.kept.until) return Promise.resolve(this.kept.value);
    if (this.flight) return this.flight;
    const flight: Promise<T> = new Promise<T>((resolve) => resolve(this.read())).then(
      (value) => {
        // A read that `forget` dropped answers its own callers only.
        if (this.flight === flight) {
          this.flight = undefined;
          const keepMs = typeof this.options.keepMs === 'function' ? this.options.keepMs(value) : this.options.keepMs;
          this.kept = keepMs > 0 ? { value, until: this.now() + keepMs } : undefined;
        }
        return value;
      },
      (error: unknown) => {
        if (this.flight === flight) this.flight = undefined;
        throw error;
      },
    );
    this.flight = flight;
    return flight;
  }

  /** The value changed: the kept answer and any read under way are dropped, and the next call reads again. */
  forget(): void {
    this.kept = undefined;
    this.flight = undefined;
  }
}
