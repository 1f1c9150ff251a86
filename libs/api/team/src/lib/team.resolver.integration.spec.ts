import { graphql, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@parley/api/testing';
import { guardRootFields, LocalPubSub, Role, roleAuthChecker, type RequestContext, type Viewer } from '@parley/api/core';
import { UserResolver } from '@parley/api/auth';
import { ChatResolver, ChatService, MessageResolver, type ChatTopics } from '@parley/api/chat';
import { JobQueue } from '@parley/api/jobs';
import { addChat, addUser, openTeamDataSource } from '../testing/team-fixtures';
import { ChatFields } from './chat-fields';
import { ChatFieldsRepository } from './chat-fields.repository';
import { MemoryPresenceStore, PresenceService } from './presence';
import { TeamRepository } from './team.repository';
import { TeamChatResolver, TeamResolver, TeamUserResolver } from './team.resolver';
import { TeamService } from './team.service';
import type { TeamTopics } from './team.topics';

/**
 * The team's resolvers in a schema of their own with the chat's (the server's
 * schema takes them once the whole contract part is there), run in process.
 */
describe('the team resolvers', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let jobs: JobQueue;
  let schema: GraphQLSchema;
  let presence: PresenceService;
  let admin: Viewer;
  let agent: Viewer;
  let customer: Viewer;
  let chatId: string;

  const run = async (viewer: Viewer | null, source: string, variableValues: Record<string, unknown> = {}) => {
    const contextValue: RequestContext = { viewer, requestId: 'test' };
    return graphql({ schema, source, variableValues, contextValue });
  };
  const codes = (result: { errors?: readonly { extensions: Record<string, unknown> }[] }) => (result.errors ?? []).map((e) => e.extensions['code']);

  beforeAll(async () => {
    database = await createTestDatabase('parley_team_gql');
    dataSource = await openTeamDataSource(database.url, 4);
    jobs = new JobQueue({ url: database.url });
    await jobs.start();
    const repository = new TeamRepository(dataSource);
    const chatPubsub = new LocalPubSub<ChatTopics>();
    presence = new PresenceService(new MemoryPresenceStore(), repository, new LocalPubSub<TeamTopics>(), jobs);
    const team = new TeamService(dataSource, repository, presence);
    const chatService = new ChatService(dataSource, chatPubsub);
    const instances = new Map<unknown, unknown>([
      [UserResolver, new UserResolver()],
      [ChatResolver, new ChatResolver(chatService, dataSource)],
      [MessageResolver, new MessageResolver(chatService, dataSource)],
      [TeamResolver, new TeamResolver(team, dataSource)],
      [TeamUserResolver, new TeamUserResolver(team, dataSource)],
      [TeamChatResolver, new TeamChatResolver(new ChatFields(new ChatFieldsRepository(dataSource)))],
    ]);
    schema = guardRootFields(
      await buildSchema({
        resolvers: [UserResolver, ChatResolver, MessageResolver, TeamResolver, TeamUserResolver, TeamChatResolver],
        container: { get: (cls) => instances.get(cls) },
        authChecker: roleAuthChecker,
        scalarsMap: [{ type: Date, scalar: DateTimeISOResolver }],
        pubSub: { publish: () => undefined, subscribe: () => { throw new Error('unused'); } },
      }),
    );
    admin = await addUser(dataSource, Role.ADMIN, 'Ada');
    agent = await addUser(dataSource, Role.AGENT, 'Alex');
    customer = await addUser(dataSource, Role.CUSTOMER, 'Casey');
    chatId = await addChat(dataSource, customer.id, { status: 'ACTIVE', agentId: agent.id });
  });

  afterAll(async () => {
    await jobs?.stop();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('setAvailability answers the user as the team sees them, with their capacity', async () => {
    const mutation = `mutation($a: Availability!) { setAvailability(availability: $a) { id availability maxChats } }`;
    expect((await run(agent, mutation, { a: 'ONLINE' })).data).toEqual({ setAvailability: { id: agent.id, availability: 'OFFLINE', maxChats: 5 } });
    await presence.socketAlive(agent.id, 'socket');
    expect((await run(agent, mutation, { a: 'ONLINE' })).data).toEqual({ setAvailability: { id: agent.id, availability: 'ONLINE', maxChats: 5 } });
    expect(codes(await run(customer, mutation, { a: 'ONLINE' }))).toEqual(['FORBIDDEN']);
    expect(codes(await run(null, mutation, { a: 'ONLINE' }))).toEqual(['UNAUTHENTICATED']);
  });

  it('shows availability, labels and the assignment reason to staff only', async () => {
    await run(admin, `mutation($c: ID!) { setChatLabels(chatId: $c, labels: ["Billing", "billing", "vip"]) { id labels } }`, { c: chatId });
    const query = `query($c: ID!) { chat(id: $c) { labels assignmentReason agent { availability maxChats } } }`;
    expect((await run(admin, query, { c: chatId })).data).toEqual({
      chat: { labels: ['Billing', 'vip'], assignmentReason: 'accepted', agent: { availability: 'ONLINE', maxChats: 5 } },
    });
    expect((await run(customer, query, { c: chatId })).data).toEqual({
      chat: { labels: [], assignmentReason: null, agent: { availability: null, maxChats: null } },
    });
  });

  it('team settings, capacity and agents: errors carry the contract codes', async () => {
    expect((await run(agent, `{ teamSettings { routing } }`)).data).toEqual({ teamSettings: { routing: 'MANUAL' } });
    expect(codes(await run(agent, `mutation { updateTeamSettings(routing: AUTO) { routing } }`))).toEqual(['FORBIDDEN']);
    expect((await run(admin, `mutation { updateTeamSettings(routing: AUTO) { routing } }`)).data).toEqual({ updateTeamSettings: { routing: 'AUTO' } });
    const capacity = `mutation($id: ID!, $n: Int!) { setAgentCapacity(agentId: $id, maxChats: $n) { maxChats } }`;
    expect((await run(admin, capacity, { id: agent.id, n: 9 })).data).toEqual({ setAgentCapacity: { maxChats: 9 } });
    const bad = await run(admin, capacity, { id: agent.id, n: 51 });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0].extensions['fields']).toEqual([{ field: 'maxChats', message: 'must be from 1 to 50', reason: 'range' }]);
    expect((await run(agent, `{ agents { displayName } }`)).data).toEqual({ agents: [{ displayName: 'Ada' }, { displayName: 'Alex' }] });
    expect(codes(await run(customer, `{ agents { id } }`))).toEqual(['FORBIDDEN']);
  });

  it('canned replies: create, search, conflict, delete', async () => {
    const create = `mutation($s: String!, $b: String!) { createCannedReply(shortcut: $s, body: $b) { id shortcut body } }`;
    const created = await run(agent, create, { s: 'thanks', b: 'Thank you!' });
    expect(created.data?.['createCannedReply']).toMatchObject({ shortcut: 'thanks', body: 'Thank you!' });
    expect(codes(await run(agent, create, { s: 'THANKS', b: 'Again' }))).toEqual(['CONFLICT']);
    expect((await run(agent, `{ cannedReplies(search: "thank") { shortcut } }`)).data).toEqual({ cannedReplies: [{ shortcut: 'thanks' }] });
    const id = (created.data?.['createCannedReply'] as { id: string }).id;
    expect((await run(agent, `mutation($id: ID!) { deleteCannedReply(id: $id) }`, { id })).data).toEqual({ deleteCannedReply: true });
    expect(codes(await run(agent, `mutation($id: ID!) { deleteCannedReply(id: $id) }`, { id }))).toEqual(['NOT_FOUND']);
  });

  it('canned replies: an edit changes shortcut and text; bad input, a taken shortcut, a stranger and a missing reply change nothing', async () => {
    const create = `mutation($s: String!, $b: String!) { createCannedReply(shortcut: $s, body: $b) { id } }`;
    const update = `mutation($id: ID!, $s: String!, $b: String!) { updateCannedReply(id: $id, shortcut: $s, body: $b) { id shortcut body } }`;
    const id = ((await run(agent, create, { s: 'welcome', b: 'Hello!' })).data?.['createCannedReply'] as { id: string }).id;
    await run(agent, create, { s: 'taken', b: 'Taken.' });
    expect((await run(admin, update, { id, s: 'hi', b: '  Hello, how can I help?  ' })).data).toEqual({ updateCannedReply: { id, shortcut: 'hi', body: 'Hello, how can I help?' } });

    const badShortcut = await run(agent, update, { id, s: 'two words', b: 'x' });
    expect(codes(badShortcut)).toEqual(['BAD_USER_INPUT']);
    expect(badShortcut.errors?.[0].extensions['fields']).toEqual([{ field: 'shortcut', message: expect.any(String), reason: 'matches' }]);
    expect(codes(await run(agent, update, { id, s: 'hi', b: '   ' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(agent, update, { id, s: 'hi', b: 'nul \u0000 inside' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(agent, update, { id, s: 'TAKEN', b: 'x' }))).toEqual(['CONFLICT']);
    expect(codes(await run(customer, update, { id, s: 'mine', b: 'x' }))).toEqual(['FORBIDDEN']);
    expect(codes(await run(agent, update, { id: 'not-an-id', s: 'x', b: 'x' }))).toEqual(['NOT_FOUND']);
    expect(codes(await run(agent, update, { id: '3f1c9a1e-0000-4000-8000-000000000000', s: 'x', b: 'x' }))).toEqual(['NOT_FOUND']);

    expect((await run(agent, `{ cannedReplies(search: "hi") { shortcut body } }`)).data).toEqual({ cannedReplies: [{ shortcut: 'hi', body: 'Hello, how can I help?' }] });
  });
});
