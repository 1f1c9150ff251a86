import type { DataSource, QueryRunner } from 'typeorm';
import { SingleFlight } from '@parley/api/core';
import { inTransaction } from '@parley/api/database';
import { defineQueue, type JobQueue } from '@parley/api/jobs';
import { ChatStatus, MessageNoticeCode, TRANSITIONS, type AppliedTransition, type ChatRow, type ChatService } from '@parley/api/chat';
import type { PresenceService } from './presence';
import type { Candidate, RoutingRepository } from './routing.repository';
import type { TeamRepository } from './team.repository';
import { Availability, RoutingMode } from './team.type';

/** Assign what waits, as far as capacity goes. One waiting drain at a time is enough: it takes the whole queue. */
export const routingDrainQueue = defineQueue<{ reason: string }>('team-routing-drain', {
  policy: 'stately',
  retry: { limit: 20, delaySeconds: 1, backoff: true, maxDelaySeconds: 30 },
  expireInSeconds: 300,
});

/** Chats still waited after a drain: look again later (apart from drains, so a delayed look never holds back an immediate one). */
export const routingRecheckQueue = defineQueue<{ reason: string }>('team-routing-recheck', {
  policy: 'stately',
  retry: { limit: 20, delaySeconds: 1, backoff: true, maxDelaySeconds: 30 },
  expireInSeconds: 300,
});

/** An agent became OFFLINE (or was deactivated): their ACTIVE chats are assigned again as if new. */
export const routingReassignQueue = defineQueue<{ agentId: string }>('team-routing-reassign', {
  retry: { limit: 20, delaySeconds: 1, backoff: true, maxDelaySeconds: 60 },
  expireInSeconds: 300,
});

export interface RoutingOptions {
  /** While chats wait and routing is AUTO, the queue is looked at again this often (a missed event cannot strand a chat). */
  recheckSeconds?: number;
  /** A picking transaction waits this long for a row held elsewhere, then gives up; the queued drain tries again (default 3000). */
  lockTimeoutMs?: number;
}

export interface Assignment {
  chat: ChatRow;
  agentId: string;
  reason: string;
}

/**
 * Routing AUTO: a chat that needs a person goes to the ONLINE agent or admin
 * (with a socket) below their maxChats who has the fewest ACTIVE chats, ties
 * to whoever was assigned longest ago; queued chats go oldest first. A chat
 * released to the queue goes to someone other than the agent it was released
 * from while anyone else has room (docs/routing.md).
 *
 * Race-free across instances through PostgreSQL's locks: each batch takes
 * the picking lock (one router chooses at a time), locks its candidates'
 * profile rows (one order everywhere: no deadlock), counts ACTIVE chats only
 * once those locks are held, then locks the oldest waiting chats, waiting
 * for any row another transaction holds. Two routers therefore never assign
 * one chat twice, nor push anyone past their capacity, and take waiting
 * chats strictly oldest first.
 */
export class RoutingService {
  private readonly recheckSeconds: number;
  private readonly lockTimeoutMs: number;
  private drainingHere = false;
  /**
   * Whether routing is AUTO, for requestDrain: one read of the settings at a
   * time here, the answer kept for a second, MANUAL as AUTO, so a new chat
   * costs no read of its own (one a second at most, where MANUAL read once a
   * chat). A stale AUTO costs no wrong assignment (each batch reads the
   * settings again, under no cache). A stale MANUAL, after a switch to AUTO
   * on another instance, lasts a second at most, and the chats that wait
   * meanwhile are assigned by the queued drain the switching instance sends
   * (FALLBACK_DRAIN_SECONDS later); a switch made here counts here at once
   * (routingChanged).
   */
  private readonly auto: SingleFlight<boolean>;
  /** When the waiting queued drain that this instance last learnt of starts, at the earliest (by this clock). */
  private fallbackDueAt = 0;
  private fallbackSending: Promise<void> | undefined;
  private drainAgain = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly routing: RoutingRepository,
    private readonly team: TeamRepository,
    private readonly presence: PresenceService,
    private readonly jobs: JobQueue,
    private readonly chats: ChatService,
    options: RoutingOptions = {},
  ) {
    this.recheckSeconds = options.recheckSeconds ?? 30;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 3000;
    this.auto = new SingleFlight(async () => (await team.settings()).routing === RoutingMode.AUTO, { keepMs: MODE_KEPT_MS });
  }

  /** This instance changed the team's routing (TeamService.onRoutingChanged): requestDrain reads it afresh. */
  routingChanged(): void {
    this.auto.forget();
  }

  /**
   * Registers the jobs' handlers and the events that free capacity or bring
   * chats. Chats are heard of from the instance that changed them (once per
   * change, not once per instance); the drain's periodic re-check covers any missed.
   */
  async attach(): Promise<void> {
    await this.jobs.work(routingDrainQueue, () => this.drainAndRecheck());
    await this.jobs.work(routingRecheckQueue, () => this.drainAndRecheck());
    await this.jobs.work(routingReassignQueue, async (payload) => void (await this.reassignFrom(payload.agentId)));
    this.presence.onChange(async (userId, availability) => {
      if (availability === Availability.ONLINE) await this.requestDrain('an agent came online');
      // With MANUAL routing an agent's chats stay theirs when they go OFFLINE: no job for that.
      if (availability === Availability.OFFLINE && (await this.team.settings()).routing === RoutingMode.AUTO) {
        await this.jobs.send(routingReassignQueue, { agentId: userId });
      }
    });
    this.chats.hooks.onChatChanged(async (chat) => {
      if (chat.status === ChatStatus.CLOSED || (chat.status === ChatStatus.QUEUED && !chat.botActive)) {
        await this.requestDrain('a chat closed or waits');
      }
    });
  }

  /**
   * Drains here and now, and asks the queue for a drain a few seconds later;
   * nothing in MANUAL, where no one assigns. Through the queue alone each chat
   * waited for a job to be fetched (tens of milliseconds, seconds when a
   * worker had just polled); the queued drain stays as the durable one, for a
   * drain that fails here (a picking lock that timed out) or an instance that
   * stops meanwhile, and finds nothing to do otherwise. One queued drain
   * covers every chat that waits before it starts: while the one waiting
   * (sent from here or another instance) is due later than a second from now,
   * none is sent again (at 100 chats a second, a couple of statements every
   * few seconds instead of one a chat).
   */
  async requestDrain(reason: string): Promise<void> {
    if (!(await this.auto.get())) return;
    this.drainHere();
    await this.queuedDrainAfterNow(reason);
  }

  /**
   * Makes sure a queued drain starts after this moment (so after the change
   * that asked for it, committed already). One send at a time here: a request
   * made while one is on its way waits for it, then counts on the job it
   * learnt of if that one starts later than a second from now, else sends its own.
   */
  private async queuedDrainAfterNow(reason: string): Promise<void> {
    while (Date.now() >= this.fallbackDueAt - FALLBACK_MARGIN_MS) {
      if (this.fallbackSending) {
        // Sent before this change perhaps: only the time it learnt counts.
        await this.fallbackSending.catch(() => undefined);
        continue;
      }
      this.fallbackSending = this.sendQueuedDrain(reason).finally(() => (this.fallbackSending = undefined));
      // Sent after the change: the job it made or found waiting starts after it.
      return this.fallbackSending;
    }
  }

  private async sendQueuedDrain(reason: string): Promise<void> {
    const sentAt = Date.now();
    const id = await this.jobs.send(routingDrainQueue, { reason }, { delaySeconds: FALLBACK_DRAIN_SECONDS });
    if (id) {
      this.fallbackDueAt = sentAt + FALLBACK_DRAIN_SECONDS * 1000;
      return;
    }
    // One waits already (the queue keeps one; any instance sent it): it starts no earlier than the database says.
    const startsIn = await this.jobs.waitingStartsIn(routingDrainQueue);
    if (startsIn !== null) this.fallbackDueAt = sentAt + startsIn;
  }

  /** One drain at a time on this instance; asked during one, another follows it (other instances wait on the picking lock). */
  private drainHere(): void {
    if (this.drainingHere) {
      this.drainAgain = true;
      return;
    }
    this.drainingHere = true;
    void (async () => {
      try {
        do {
          this.drainAgain = false;
          await this.drain();
        } while (this.drainAgain);
      } catch {
        // The queued drain sent with the request runs it again.
      } finally {
        this.drainingHere = false;
      }
    })();
  }

  /** Assigns waiting chats while there are free agents; returns what it assigned. Nothing in MANUAL. */
  async drain(limit = 1000): Promise<Assignment[]> {
    const done: Assignment[] = [];
    while (done.length < limit) {
      const batch = await this.assignBatch(Math.min(ASSIGN_BATCH, limit - done.length));
      if (!batch.length) break;
      done.push(...batch);
    }
    return done;
  }

  /** One assignment: the oldest waiting chat to the best free agent; null when there is none (or routing is MANUAL). */
  async assignNext(): Promise<Assignment | null> {
    return (await this.assignBatch(1))[0] ?? null;
  }

  /**
   * Up to `limit` of the oldest waiting chats, in one transaction, each to the
   * best free agent as the ones before it left them: one set of locks and
   * counts for what waits, not one per chat (chats arriving at 100 a second
   * queued up behind one transaction each).
   *
   * Strictly oldest first: the picking lock lets one router at a time choose,
   * and the chats are locked in age order without SKIP LOCKED, so a row held
   * by a send or an accept is waited for rather than passed over. A later
   * chat can therefore go ahead only of a chat that began to wait after this
   * batch looked (its snapshot), never of one that waited already.
   */
  private async assignBatch(limit: number): Promise<Assignment[]> {
    if ((await this.team.settings()).routing !== RoutingMode.AUTO) return [];
    // Nothing waits (the other instance took it): no locks, which would hold up its next batch.
    if (!(await this.routing.anyWaiting())) return [];
    const chosen = await this.team.onlineStaff();
    const reachable = [...(await this.presence.present(chosen))];
    if (!reachable.length) return [];
    const results = await inTransaction(this.dataSource, async (runner) => {
      await this.routing.lockPicking(runner, this.lockTimeoutMs);
      // Then the candidates: accepting by hand and transfers lock the agent's profile before the chat, as here.
      const candidates = await this.routing.lockAndCount(runner, reachable);
      const room = candidates.reduce((sum, c) => sum + Math.max(0, c.maxChats - c.active), 0);
      if (!room) return [];
      const decided: Array<{ chatId: string; agentId: string; name: string; reason: string }> = [];
      // After every earlier assignment, as recordAssignments dates them.
      const decidedAt = Math.max(Date.now(), ...candidates.map((c) => (c.lastAssignedAt?.getTime() ?? 0) + 1));
      for (const chat of await this.routing.lockOldestWaiting(runner, Math.min(limit, room))) {
        const free = candidates.filter((c) => c.active < c.maxChats);
        if (!free.length) break;
        // A released chat goes to someone else while anyone else has room; only then back to who released it.
        const others = free.filter((c) => c.userId !== chat.releasedFrom);
        const agent = others[0] ?? free[0];
        const passedOver = others.length > 0 && others.length < free.length;
        const reason = explain(agent, passedOver ? others : free, candidates.length, passedOver);
        decided.push({ chatId: chat.id, agentId: agent.userId, name: agent.displayName, reason });
        // The next chat sees this one counted, as the next transaction's counts would; a millisecond apart
        // each (a Date holds no finer), so ties still go to whoever was assigned longest ago.
        agent.active += 1;
        agent.lastAssignedAt = new Date(decidedAt + decided.length);
        candidates.sort(byLoad);
      }
      // Every chat at once (one statement for the chats and their SYSTEM messages, not two per chat).
      const applied = await this.chats.hooks.transitionManyIn(
        runner,
        TRANSITIONS.accept,
        decided.map((d) => ({ chatId: d.chatId, args: { agentId: d.agentId, name: d.name } })),
      );
      // Locked and still waiting when their locks were granted: the guard holds for each. Were it not to, undo
      // the batch rather than assign a later chat ahead of one that failed (the queued drain tries again).
      if (applied.length !== decided.length) throw new Error('a locked waiting chat failed the accept guard');
      const out = applied.map((a, i) => ({ applied: a, agentId: decided[i].agentId, reason: decided[i].reason }));
      await this.routing.recordAssignments(
        runner,
        out.map((o) => ({ chatId: o.applied.chat.id, agentId: o.agentId, reason: o.reason })),
      );
      return out;
    });
    // Each chat's own events in order (its message, then the chat); the chats side by side.
    await Promise.all(results.map((result) => this.chats.hooks.publishTransition(result.applied)));
    return results.map((result) => ({ chat: result.applied.chat, agentId: result.agentId, reason: result.reason }));
  }

  /**
   * The agent's ACTIVE chats go back to the queue (each with a SYSTEM message)
   * and are assigned again as if new. Only with AUTO routing when they went
   * OFFLINE (with MANUAL they stay); always when the account was deactivated.
   */
  async reassignFrom(agentId: string, options: { evenIfManual?: boolean } = {}): Promise<number> {
    const auto = (await this.team.settings()).routing === RoutingMode.AUTO;
    if (!auto && !options.evenIfManual) return 0;
    const name = await this.routing.displayName(agentId);
    const requeued = await inTransaction(this.dataSource, async (runner) => {
      const out: AppliedTransition[] = [];
      for (const chatId of await this.routing.lockActiveChatsOf(runner, agentId)) {
        const notice = { code: MessageNoticeCode.AGENT_UNAVAILABLE, name } as const;
        const moved = await this.chats.hooks.transitionIn(runner, chatId, TRANSITIONS.release, { from: agentId, notice });
        if (!moved) continue;
        await this.routing.clearAssignment(runner, chatId);
        out.push(moved);
      }
      return out;
    });
    for (const moved of requeued) await this.chats.hooks.publishTransition(moved);
    if (requeued.length && auto) await this.drain();
    return requeued.length;
  }

  /** Locks the agent's capacity inside an assignment's transaction (accepting, transfers), as auto-assignment does. */
  lockAgent(runner: QueryRunner, agentId: string): Promise<void> {
    return this.routing.lockProfile(runner, agentId);
  }

  /** Records why the agent has the chat (and when they last got one), inside the assignment's transaction. */
  record(runner: QueryRunner, chatId: string, agentId: string, reason: string): Promise<void> {
    return this.routing.recordAssignment(runner, chatId, agentId, reason);
  }

  /** The chat went back to the queue from this agent: it has no reason any more, and routing passes them over for it. */
  async released(runner: QueryRunner, chatId: string, fromAgentId: string): Promise<void> {
    await this.routing.clearAssignment(runner, chatId);
    await this.routing.recordRelease(runner, chatId, fromAgentId);
  }

  /** Why each chat's agent has it (agents and admins only: the caller checks). */
  assignmentReasons(chatIds: readonly string[]): Promise<Map<string, string | null>> {
    return this.routing.assignmentReasons(chatIds);
  }

  private async drainAndRecheck(): Promise<void> {
    await this.drain();
    if ((await this.team.settings()).routing === RoutingMode.AUTO && (await this.routing.anyWaiting())) {
      // Chats still wait (nobody free): look again later, even if no event says capacity freed.
      await this.jobs.send(routingRecheckQueue, { reason: 'chats wait' }, { delaySeconds: this.recheckSeconds });
    }
  }
}

/** When the queued drain behind each immediate one runs. */
const FALLBACK_DRAIN_SECONDS = 5;

/** A queued drain due less than this from now is not counted on for a new chat (clocks of the instance and the database differ a little). */
const FALLBACK_MARGIN_MS = 1000;

/** How long requestDrain trusts the routing mode it read. */
const MODE_KEPT_MS = 1000;

/** Chats assigned in one transaction at most: enough for a burst, short enough that other writers of the agents' rows wait little. */
const ASSIGN_BATCH = 50;

/** Fewest ACTIVE chats first, then longest since the last assignment (as the repository orders candidates). */
function byLoad(x: Candidate, y: Candidate): number {
  return x.active - y.active || (x.lastAssignedAt?.getTime() ?? -Infinity) - (y.lastAssignedAt?.getTime() ?? -Infinity) || (x.userId < y.userId ? -1 : 1);
}

/** assignmentReason in words: "auto-assigned: 1 of 5 open chats, the fewest of 3 online agents" ("... apart from the one who released it"). */
function explain(agent: Candidate, free: Candidate[], online: number, releaserPassedOver = false): string {
  const tie = free.filter((c) => c.active === agent.active).length > 1 ? ', assigned longest ago among equals' : '';
  const agents = online === 1 ? '1 online agent' : `${online} online agents`;
  const apart = releaserPassedOver ? ' apart from the one who released it' : '';
  return `auto-assigned: ${agent.active + 1} of ${agent.maxChats} open chats, the fewest of ${agents}${apart}${tie}`;
}
