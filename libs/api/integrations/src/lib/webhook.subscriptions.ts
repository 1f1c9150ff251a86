import type { PubSub } from '@parley/api/core';
import type { WebhookRepository } from './webhook.repository';

/** The topic every instance hears when a webhook is created or deleted anywhere. */
export const WEBHOOKS_CHANGED = 'webhooksChanged';

/** The safety net's age: the list is kept current by announcements (WEBHOOKS_CHANGED), not by this. */
export const WEBHOOK_LIST_MAX_AGE_MS = 5 * 60_000;
export interface WebhookTopics extends Record<string, unknown> {
  webhooksChanged: { at: string };
}

/**
 * Which event types some active webhook takes, kept in memory so that a
 * chat write with no subscriber costs nothing (not even a statement). Kept
 * right across instances by invalidation, not polling: a change is announced
 * on the pubsub (Redis when configured) and every instance reads the list
 * again at once, and again after the shared bus was away (its resync). Only
 * as a safety net, should an announcement be lost all the same, a list older
 * than `maxAgeMs` (5 minutes) is read again on its next use.
 */
export class WebhookSubscriptions {
  private wanted = new Set<string>();
  private loadedAt = 0;
  private refreshing: Promise<void> | undefined;
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly repository: WebhookRepository,
    private readonly pubsub: PubSub<WebhookTopics>,
    private readonly maxAgeMs = WEBHOOK_LIST_MAX_AGE_MS,
  ) {}

  async start(): Promise<void> {
    this.stops.push(this.pubsub.subscribe(WEBHOOKS_CHANGED, 'all', () => void this.refresh()));
    const resync = this.pubsub.onResync?.(() => void this.refresh());
    if (resync) this.stops.push(resync);
    await this.refresh();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  wants(type: string): boolean {
    if (Date.now() - this.loadedAt > this.maxAgeMs) void this.refresh();
    return this.wanted.has(type);
  }

  /** Whether any event type is taken at all. */
  any(): boolean {
    return this.wanted.size > 0;
  }

  /** After a change here: read again now, and tell the other instances. */
  async changed(): Promise<void> {
    await this.refresh(true);
    await this.pubsub.publish(WEBHOOKS_CHANGED, 'all', { at: new Date().toISOString() });
  }

  /** Reads the list (one read at a time; `again` waits for a running one and reads once more). */
  async refresh(again = false): Promise<void> {
    if (this.refreshing) {
      await this.refreshing.catch(() => undefined);
      if (!again) return;
    }
    this.refreshing = this.repository
      .subscribedEvents()
      .then((events) => {
        this.wanted = new Set(events);
        this.loadedAt = Date.now();
      })
      .finally(() => (this.refreshing = undefined));
    // A failed read keeps the last list; the next use tries again.
    await this.refreshing.catch(() => undefined);
  }
}
