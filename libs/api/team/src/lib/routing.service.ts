import type { DataSource, QueryRunner } from 'typeorm';
import { inTransaction, RollbackWith } from '@parley/api/database';
import { defineQueue, type JobQueue } from '@parley/api/jobs';
import { ChatStatus, TRANSITIONS, type AppliedTransition, type ChatRow, type ChatService } from '@parley/api/chat';
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
 * Race-free across instances through PostgreSQL's locks: each assignment
 * locks its candidates' profile rows (one order everywhere: no deadlock),
 * counts ACTIVE chats only once those locks are held, then locks the oldest
 * waiting chat (FOR UPDATE SKIP LOCKED: one being accepted by hand is passed
 * over). Two routers therefore never assign one chat twice, nor push anyone
 * past their capacity, and take waiting chats strictly oldest first.
 */
export class RoutingService {
  private readonly recheckSeconds: number;

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

  /** Asks for a drain through the queue (any instance runs it); nothing in MANUAL, where no one assigns. */
  async requestDrain(reason: string): Promise<void> {
    if ((await this.team.settings()).routing !== RoutingMode.AUTO) return;
    await this.jobs.send(routingDrainQueue, { reason });
  }

  /** Assigns waiting chats while there are free agents; returns what it assigned. Nothing in MANUAL. */
  async drain(limit = 1000): Promise<Assignment[]> {
    const done: Assignment[] = [];
    while (done.length < limit) {
      const next = await this.assignNext();
      if (!next) break;
      done.push(next);
    }
    return done;
  }

  /** One assignment: the oldest waiting chat to the best free agent; null when there is none (or routing is MANUAL). */
  async assignNext(): Promise<Assignment | null> {
    if ((await this.team.settings()).routing !== RoutingMode.AUTO) return null;
    const chosen = await this.team.onlineStaff();
    const reachable = [...(await this.presence.present(chosen))];
    if (!reachable.length) return null;
    const result = await inTransaction(this.dataSource, async (runner) => {
      // The candidates first: routers sharing them queue up here, so each then takes the oldest chat still
      // waiting (locking the chat first let a router that found nobody free hold back an older chat).
      const candidates = await this.routing.lockAndCount(runner, reachable);
      const free = candidates.filter((c) => c.active < c.maxChats);
      if (!free.length) throw new RollbackWith(null);
      const chat = await this.routing.lockOldestWaiting(runner);
      if (!chat) throw new RollbackWith(null);
      // A released chat goes to someone else while anyone else has room; only then back to who released it.
      const others = free.filter((c) => c.userId !== chat.releasedFrom);
      const agent = others[0] ?? free[0];
      const passedOver = others.length > 0 && others.length < free.length;
      const reason = explain(agent, passedOver ? others : free, candidates.length, passedOver);
      const applied = await this.chats.hooks.transitionIn(runner, chat.id, TRANSITIONS.accept, { agentId: agent.userId, name: agent.displayName });
      if (!applied) throw new RollbackWith(null);
      await this.routing.recordAssignment(runner, chat.id, agent.userId, reason);
      return { applied, agentId: agent.userId, reason };
    });
    if (!result) return null;
    await this.chats.hooks.publishTransition(result.applied);
    return { chat: result.applied.chat, agentId: result.agentId, reason: result.reason };
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
        const notice = `${name} is no longer available; another agent will be with you shortly.`;
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

/** assignmentReason in words: "auto-assigned: 1 of 5 open chats, the fewest of 3 online agents" ("... apart from the one who released it"). */
function explain(agent: Candidate, free: Candidate[], online: number, releaserPassedOver = false): string {
  const tie = free.filter((c) => c.active === agent.active).length > 1 ? ', assigned longest ago among equals' : '';
  const agents = online === 1 ? '1 online agent' : `${online} online agents`;
  const apart = releaserPassedOver ? ' apart from the one who released it' : '';
  return `auto-assigned: ${agent.active + 1} of ${agent.maxChats} open chats, the fewest of ${agents}${apart}${tie}`;
}
