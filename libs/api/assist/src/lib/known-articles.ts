import { randomUUID } from 'node:crypto';
import { RedisPubSub, SingleFlight, type PubSub } from '@parley/api/core';

/** assist's live topic: the knowledge base gained or lost articles somewhere (any instance). */
export interface AssistTopics extends Record<string, unknown> {
  /** `from`: the instance that changed them (it has forgotten already). */
  articlesChanged: { from: string };
}

export const ASSIST_TOPICS = ['articlesChanged'] as const;
const ALL = 'all';

/** A "no articles" answer is looked at again after this long: what reaches a server that shares no bus with `kb:import` (no REDIS_URL). */
const EMPTY_RECHECK_MS = 30_000;

/**
 * Whether the knowledge base has any article, read once per instance instead
 * of on every startChat. Every instance forgets it when any instance creates,
 * imports or deletes articles (the pubsub: in-process without REDIS_URL,
 * Redis with it), and when the shared bus was away (events may be lost).
 */
export class KnownArticles {
  /** Articles, once known, are kept until a change is heard; none is looked at again after a while. A change heard during a read drops it. */
  private readonly answer: SingleFlight<boolean>;
  private readonly stop: Array<() => void> = [];
  private readonly id = randomUUID();

  constructor(
    read: () => Promise<boolean>,
    private readonly pubsub: PubSub<AssistTopics>,
    now: () => number = Date.now,
  ) {
    this.answer = new SingleFlight(read, { keepMs: (any) => (any ? Infinity : EMPTY_RECHECK_MS), now });
    this.stop.push(pubsub.subscribe('articlesChanged', ALL, (event) => event.from !== this.id && this.forget()));
    if (pubsub.onResync) this.stop.push(pubsub.onResync(() => this.forget()));
  }

  /** Resolves once other instances' changes reach this one (shared pubsubs). */
  async ready(): Promise<void> {
    await this.pubsub.ready?.('articlesChanged', ALL);
  }

  has(): Promise<boolean> {
    return this.answer.get();
  }

  /** Articles were created, imported or deleted here: every instance (this one at once) reads again. */
  async changed(): Promise<void> {
    this.forget();
    await this.pubsub.publish('articlesChanged', ALL, { from: this.id });
  }

  close(): void {
    for (const stop of this.stop.splice(0)) stop();
  }

  private forget(): void {
    this.answer.forget();
  }
}

/** How a process other than a server (kb:import) tells running servers that articles changed. */
export interface ArticleChangeAnnouncer {
  changed(): Promise<void>;
  close(): Promise<void>;
}

/**
 * With REDIS_URL, articlesChanged goes out on the servers' own bus (the same
 * prefix), so each forgets at once what it knew. Without it there is no bus
 * between processes: a server that knew of no articles looks again within
 * EMPTY_RECHECK_MS, and one that knew of some still has some.
 */
export function articleChangeAnnouncer(redis: { url?: string; prefix: string }): ArticleChangeAnnouncer {
  if (!redis.url) return { changed: async () => undefined, close: async () => undefined };
  const pubsub = new RedisPubSub<AssistTopics>(redis.url, { prefix: redis.prefix });
  const from = `import-${randomUUID()}`;
  return {
    changed: () => pubsub.publishConfirmed('articlesChanged', ALL, { from }),
    close: () => pubsub.close(),
  };
}
