// As GraphiQL shows results and errors in its response pane.
const formatResult = (result: unknown) => JSON.stringify(result, null, 2);
const formatError = (reason: unknown) =>
  formatResult({ errors: (Array.isArray(reason) ? reason : [reason]).map((e) => (e instanceof Error ? { message: e.message } : e)) });

/** GraphiQL's observer of one run. */
export interface RunObserver<T> {
  next(value: T): void;
  error(reason: unknown): void;
  complete(): void;
}

/** Where a kept subscription shows its events once its tab is active again (the response editor). */
export interface ResponsePane {
  show(text: string): void;
}

interface Running {
  tabId: string | undefined;
  query: string;
  stopUpstream: () => void;
  /** Set once GraphiQL has let go of it (the agent switched tabs): events then go to the pane. */
  kept: boolean;
  lastText?: string;
  lastValue?: unknown;
}

/**
 * Keeps subscriptions running across tab switches. GraphiQL stops the running
 * operation when the agent switches tabs; a stop that comes with a tab switch
 * (in the same task) is kept instead: the subscription goes on, and its tab
 * shows its latest event whenever it is active. Pressing play in that tab
 * stops it, as for any running subscription.
 */
export class LiveTabs {
  private activeTab: string | undefined;
  /** Subscriptions GraphiQL runs (at most one, in the tab it was started from). */
  private readonly running = new Set<Running>();
  private readonly stopping = new Set<Running>();
  private readonly kept = new Map<string, Running>();
  pane: ResponsePane | undefined;
  /** GraphiQL's stop: lets go of a run the explorer keeps (a new tab does not stop it by itself). */
  release: (() => void) | undefined;

  /** From GraphiQL's onTabChange: the tabs now open and the active one. */
  tabsChanged(tabIds: string[], activeTabId: string | undefined): void {
    // Stopped by the switch itself (changeTab stops first), or still running in the tab left (addTab).
    const left = [...this.stopping, ...[...this.running].filter((run) => run.tabId !== activeTabId)];
    for (const running of left) {
      if (running.tabId === undefined) continue;
      running.kept = true;
      this.running.delete(running);
      this.kept.set(running.tabId, running);
    }
    this.stopping.clear();
    if (left.length) setTimeout(() => this.release?.(), 0);
    for (const [tabId, running] of this.kept) {
      if (!tabIds.includes(tabId)) {
        running.stopUpstream();
        this.kept.delete(tabId);
      }
    }
    // GraphiQL reports every change of the tabs' values too (showing an event is one): only a switch shows.
    const switched = activeTabId !== this.activeTab;
    this.activeTab = activeTabId;
    const back = switched && activeTabId ? this.kept.get(activeTabId) : undefined;
    if (back?.lastText !== undefined) this.pane?.show(back.lastText);
  }

  /** The active tab, as GraphiQL first renders it. */
  setActiveTab(tabId: string | undefined): void {
    this.activeTab ??= tabId;
  }

  /**
   * A run in the active tab. When that tab still has a kept subscription, the
   * run stops it; with the same document, that is all the run does: the answer
   * is then what the tab last showed.
   */
  stopKeptFor(query: string): { stopped: true; last: unknown } | undefined {
    const tabId = this.activeTab;
    const running = tabId ? this.kept.get(tabId) : undefined;
    if (!running || !tabId) return undefined;
    running.stopUpstream();
    this.kept.delete(tabId);
    return running.query === query ? { stopped: true, last: running.lastValue } : undefined;
  }

  /** Tracks a subscription GraphiQL started: returns the observer for its events and GraphiQL's unsubscribe. */
  track<T>(query: string, observer: RunObserver<T>, start: (sink: RunObserver<T>) => () => void): { unsubscribe(): void } {
    const running: Running = { tabId: this.activeTab, query, stopUpstream: () => undefined, kept: false };
    this.running.add(running);
    const show = (text: string) => {
      running.lastText = text;
      if (running.tabId === this.activeTab) this.pane?.show(text);
    };
    running.stopUpstream = start({
      next: (value) => {
        running.lastValue = value;
        if (running.kept) show(formatResult(value));
        else observer.next(value);
      },
      error: (reason) => {
        this.running.delete(running);
        if (!running.kept) return observer.error(reason);
        show(formatError(reason));
        if (running.tabId) this.kept.delete(running.tabId);
      },
      complete: () => {
        this.running.delete(running);
        if (!running.kept) return observer.complete();
        if (running.tabId) this.kept.delete(running.tabId);
      },
    });
    return {
      unsubscribe: () => {
        // Kept: GraphiQL letting go after a tab change; the subscription goes on.
        if (running.kept) return;
        // GraphiQL calls this for a stop and for a tab switch alike; tabsChanged, in the same task, tells them apart.
        this.running.delete(running);
        this.stopping.add(running);
        setTimeout(() => {
          if (this.stopping.delete(running)) running.stopUpstream();
        }, 0);
      },
    };
  }
}
