import Redis from 'ioredis';
import { defineModule, isStaff, type PubSub } from '@parley/api/core';
import { JOB_QUEUE } from '@parley/api/jobs';
import { AUTH_SERVICE } from '@parley/api/auth';
import { CHAT_SERVICE } from '@parley/api/chat';
import { AssignmentService } from './assignment.service';
import { AssignmentResolver, NOTE_SUBSCRIPTIONS, NoteResolver } from './assignment.resolver';
import { NotesService } from './notes.service';
import { CHAT_ACTIVITY_ENTITIES } from './chat-activity.entity';
import { CHAT_ACTIVITY_RESOLVERS, CHAT_ACTIVITY_SERVICE, createChatActivity } from './chat-activity.part';
import { CHAT_ACTIVITY_TOPICS } from './chat-activity.topics';
import { ChatFields } from './chat-fields';
import { ChatFieldsRepository } from './chat-fields.repository';
import { teamHandoverWait } from './handover-wait';
import { TEAM_ENTITIES } from './team.entity';
import { MemoryPresenceStore, PresenceService, RedisPresenceStore } from './presence';
import { RoutingRepository } from './routing.repository';
import { RoutingService } from './routing.service';
import { TeamRepository } from './team.repository';
import { TEAM_SUBSCRIPTIONS, TeamChatResolver, TeamResolver, TeamUserResolver } from './team.resolver';
import { TeamService } from './team.service';
import type { TeamPubSub, TeamTopics } from './team.topics';
import { RoutingMode } from './team.type';

const TOPICS: readonly (keyof TeamTopics & string)[] = ['availabilityChanged', 'noteAdded'];

/**
 * The support team at work: presence (from this instance's sockets),
 * availability, routing, capacity, settings, canned replies and labels,
 * transfers, releases, deactivation and notes. Built on the job queue, auth
 * and the chat module (all listed before it).
 */
export const teamModule = defineModule({
  name: 'team',
  entities: [...TEAM_ENTITIES, ...CHAT_ACTIVITY_ENTITIES],
  resolvers: [TeamResolver, TeamUserResolver, TeamChatResolver, AssignmentResolver, NoteResolver, ...CHAT_ACTIVITY_RESOLVERS],
  topics: [...TOPICS, ...CHAT_ACTIVITY_TOPICS],
  // Every agent hears every change of availability: executed and serialized once per event for all of them.
  sharedEvents: ['availabilityChanged'],
  create({ config, dataSource, pubsub, logger, services }) {
    const jobs = services.get(JOB_QUEUE);
    const teamPubsub = pubsub as PubSub<Record<string, unknown>> as TeamPubSub;
    const chats = services.get(CHAT_SERVICE);
    // Presence is shared by every instance through Redis when there is one (keys expire by themselves).
    const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
    redis?.on('error', (error) => logger.warn({ err: error.message }, 'redis (presence)'));
    const store = redis ? new RedisPresenceStore(redis, config.redisPrefix) : new MemoryPresenceStore();
    const repository = new TeamRepository(dataSource);
    const presence = new PresenceService(store, repository, teamPubsub, jobs, { graceMs: (config.presenceGraceSeconds ?? 60) * 1000 });
    const team = new TeamService(dataSource, repository, presence);
    const routing = new RoutingService(dataSource, new RoutingRepository(dataSource), repository, presence, jobs, chats, {
      lockTimeoutMs: config.routingLockTimeoutMs,
    });
    // Accepting a chat takes the agent's capacity lock and records why, as auto-assignment does.
    chats.hooks.useAssignmentRecorder(routing);
    const assignments = new AssignmentService(dataSource, chats, routing, presence, services.get(AUTH_SERVICE));
    const notes = new NotesService(dataSource, teamPubsub);
    // The bot's handover says when the team is back (outside business hours, or nobody ONLINE).
    chats.handover.set(teamHandoverWait(team, repository));
    // Labels, assignment reasons and read marks of chats, read together (a desk's chat list, chatUpdated).
    const fields = new ChatFields(new ChatFieldsRepository(dataSource));
    const chatActivity = createChatActivity(dataSource, pubsub, chats, fields);
    services.provide(CHAT_ACTIVITY_SERVICE, chatActivity.activity);
    team.onRoutingChanged(async (mode) => {
      routing.routingChanged();
      if (mode === RoutingMode.AUTO) await routing.requestDrain('routing turned AUTO');
    });
    return {
      resolvers: [
        new TeamResolver(team, dataSource),
        new TeamUserResolver(team, dataSource),
        new TeamChatResolver(fields),
        new AssignmentResolver(assignments, notes, dataSource),
        new NoteResolver(dataSource),
        ...chatActivity.resolvers,
      ],
      subscriptionContext: { [TEAM_SUBSCRIPTIONS]: teamPubsub, [NOTE_SUBSCRIPTIONS]: notes, ...chatActivity.subscriptionContext },
      sockets: {
        opened: async (viewer, connectionId) => (isStaff(viewer.role) ? presence.socketAlive(viewer.id, connectionId) : undefined),
        alive: async (viewer, connectionId) => (isStaff(viewer.role) ? presence.socketAlive(viewer.id, connectionId) : undefined),
        closed: async (viewer, connectionId) => (isStaff(viewer.role) ? presence.socketClosed(viewer.id, connectionId) : undefined),
      },
      async start() {
        await presence.attach();
        await routing.attach();
        // Checks lost with an instance that died between a socket and its job are sent again.
        await presence.recheckAll();
      },
      async stop() {
        redis?.disconnect();
      },
    };
  },
});
