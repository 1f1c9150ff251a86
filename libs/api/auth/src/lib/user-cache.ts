import type { DataSource } from 'typeorm';
import type { PubSub } from '@parley/api/core';
import { ALL_SESSIONS, type AuthTopics } from './session.service';
import type { UserEntity } from './user.entity';

/** The public columns of a user (what User.from takes). */
export type UserColumns = Pick<UserEntity, 'id' | 'displayName' | 'role' | 'createdAt' | 'email'>;

/** Beyond this many users the cache starts again: its memory stays bounded, and the next events read them afresh. */
const MAX_USERS = 20_000;

/**
 * Users' public columns, kept per instance (one per data source), so an event
 * delivered to many subscribers reads its sender once, not once per
 * subscriber. Forgotten on every instance when a user changes (a visitor's
 * name or email, `userChanged`) or loses access (deactivation,
 * `accessRevoked`), and all at once when the shared bus was away. A read
 * that began before a change is not kept.
 */
export class UserCache {
  private readonly users = new Map<string, UserColumns>();
  private generation = 0;
  private pubsub?: PubSub<AuthTopics>;
  private readonly stops: Array<() => void> = [];

  get(id: string): UserColumns | undefined {
    return this.users.get(id);
  }

  /** Call before reading users from the database; hand what was read to the function it returns. */
  reading(): (rows: readonly UserColumns[]) => void {
    const started = this.generation;
    return (rows) => {
      if (started !== this.generation) return;
      if (this.users.size + rows.length > MAX_USERS) this.users.clear();
      for (const row of rows) this.users.set(row.id, row);
    };
  }

  /** Hears the changes of every instance on the pubsub (the auth module, at start). */
  listen(pubsub: PubSub<AuthTopics>): void {
    this.pubsub = pubsub;
    this.stops.push(pubsub.subscribe('userChanged', ALL_SESSIONS, ({ userId }) => this.forget(userId)));
    this.stops.push(pubsub.subscribe('accessRevoked', ALL_SESSIONS, ({ userId }) => this.forget(userId)));
    if (pubsub.onResync) this.stops.push(pubsub.onResync(() => this.clear()));
  }

  /** A user's public columns changed here: this instance forgets them at once, the others when the event arrives. */
  async changed(userId: string): Promise<void> {
    this.forget(userId);
    await this.pubsub?.publish('userChanged', ALL_SESSIONS, { userId });
  }

  forget(userId: string): void {
    this.generation++;
    this.users.delete(userId);
  }

  clear(): void {
    this.generation++;
    this.users.clear();
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.clear();
  }
}

const caches = new WeakMap<DataSource, UserCache>();

/** The instance's user cache: one per data source (each server has its own). */
export function userCacheOf(dataSource: DataSource): UserCache {
  let cache = caches.get(dataSource);
  if (!cache) caches.set(dataSource, (cache = new UserCache()));
  return cache;
}
