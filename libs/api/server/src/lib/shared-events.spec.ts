import { GraphQLBoolean, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type DocumentNode, type ExecutionResult } from 'graphql';
import { AsyncQueue, Role, type RequestContext, type Viewer } from '@parley/api/core';
import { CompiledExecutor } from './compiled-execution';
import { SharedEvents, sharedPayload, sightOf } from './shared-events';

interface Event {
  id: string;
  secret: string;
  fail?: boolean;
}

/**
 * A chat-like event with a field only staff see and one that depends on a
 * variable: the resolvers count their calls, so the test tells one execution
 * per group from one per subscriber.
 */
function world() {
  const calls = { staffOnly: 0, shout: 0 };
  const queues: AsyncQueue<Event>[] = [];
  const Item = new GraphQLObjectType<Event, RequestContext>({
    name: 'Item',
    fields: {
      id: { type: new GraphQLNonNull(GraphQLString) },
      staffOnly: {
        type: GraphQLString,
        resolve: (event, _args, ctx) => {
          calls.staffOnly++;
          return ctx.viewer && ctx.viewer.role !== Role.CUSTOMER ? event.secret : null;
        },
      },
      shout: {
        type: GraphQLString,
        args: { times: { type: GraphQLInt } },
        resolve: async (event, args: { times?: number }) => {
          calls.shout++;
          if (event.fail) throw new Error('no shouting');
          return event.id.toUpperCase().repeat(args.times ?? 1);
        },
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: { ok: { type: GraphQLBoolean, resolve: () => true } },
    }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        itemChanged: {
          type: Item,
          args: { room: { type: GraphQLString } },
          subscribe: () => {
            const queue = new AsyncQueue<Event>();
            queues.push(queue);
            return queue;
          },
          resolve: (event: Event) => event,
        },
        notShared: {
          type: Item,
          subscribe: () => new AsyncQueue<Event>(),
          resolve: (event: Event) => event,
        },
      },
    }),
  });
  const executor = new CompiledExecutor(schema, new SharedEvents(new Set(['itemChanged'])));
  // One parsed document per query text, as the WebSocket server keeps them.
  const documents = new Map<string, DocumentNode>();
  const subscribe = async (viewer: Viewer, query: string, variables?: Record<string, unknown>) => {
    if (!documents.has(query)) documents.set(query, parse(query));
    const stream = await executor.subscribeArgs({
      schema,
      document: documents.get(query) as DocumentNode,
      variableValues: variables,
      contextValue: { viewer },
    });
    if (!(Symbol.asyncIterator in stream)) throw new Error(`not a stream: ${JSON.stringify(stream)}`);
    return stream as AsyncIterableIterator<ExecutionResult>;
  };
  const publish = (event: Event) => {
    for (const queue of queues) queue.push(event);
  };
  return { calls, subscribe, publish };
}

const agent = (id: string): Viewer => ({ id, role: Role.AGENT, expiresAt: 0 });
const admin = (id: string): Viewer => ({ id, role: Role.ADMIN, expiresAt: 0 });
const customer = (id: string): Viewer => ({
  id,
  role: Role.CUSTOMER,
  expiresAt: 0,
});
const STAFF_QUERY = 'subscription { itemChanged(room: "a") { id staffOnly } }';

describe('SharedEvents', () => {
  it('groups staff by role and each customer by who they are', () => {
    expect(sightOf(agent('a1'))).toBe(sightOf(agent('a2')));
    expect(sightOf(agent('a1'))).not.toBe(sightOf(admin('a1')));
    expect(sightOf(customer('c1'))).not.toBe(sightOf(customer('c2')));
  });

  it('executes and serializes an event once for every subscriber who sees it alike, and apart for those who see it otherwise', async () => {
    const { calls, subscribe, publish } = world();
    const agents = await Promise.all(['a1', 'a2', 'a3'].map((id) => subscribe(agent(id), STAFF_QUERY)));
    const customers = await Promise.all(['c1', 'c2'].map((id) => subscribe(customer(id), STAFF_QUERY)));
    publish({ id: 'x', secret: 'the note' });
    const agentResults = await Promise.all(agents.map(async (s) => (await s.next()).value as ExecutionResult));
    const customerResults = await Promise.all(customers.map(async (s) => (await s.next()).value as ExecutionResult));

    for (const result of agentResults)
      expect(JSON.parse(sharedPayload(result) as string)).toEqual({
        data: { itemChanged: { id: 'x', staffOnly: 'the note' } },
      });
    // the agents were handed one and the same result
    expect(new Set(agentResults).size).toBe(1);
    for (const result of customerResults)
      expect(JSON.parse(sharedPayload(result) as string)).toEqual({
        data: { itemChanged: { id: 'x', staffOnly: null } },
      });
    // one run for the agents, one for each customer
    expect(calls.staffOnly).toBe(3);
  });

  it('keeps subscribers apart whose variables below the root field differ, and together when only the root arguments differ', async () => {
    const { calls, subscribe, publish } = world();
    const query = 'subscription S($room: String, $times: Int) { itemChanged(room: $room) { shout(times: $times) } }';
    const streams = await Promise.all([
      subscribe(agent('a1'), query, { room: 'r1', times: 2 }),
      subscribe(agent('a2'), query, { room: 'r2', times: 2 }),
      subscribe(agent('a3'), query, { room: 'r1', times: 3 }),
    ]);
    publish({ id: 'ab', secret: '' });
    const payloads = await Promise.all(streams.map(async (s) => JSON.parse(sharedPayload((await s.next()).value as ExecutionResult) as string)));
    expect(payloads.map((p) => p.data.itemChanged.shout)).toEqual(['ABAB', 'ABAB', 'ABABAB']);
    expect(calls.shout).toBe(2);
  });

  it('gives each subscriber its own result when the event has errors', async () => {
    const { calls, subscribe, publish } = world();
    const query = 'subscription { itemChanged { id shout } }';
    const streams = await Promise.all([subscribe(agent('a1'), query), subscribe(agent('a2'), query)]);
    publish({ id: 'x', secret: '', fail: true });
    const results = await Promise.all(streams.map(async (s) => (await s.next()).value as ExecutionResult));
    for (const result of results) {
      expect(sharedPayload(result)).toBeUndefined();
      expect(result.errors?.[0]?.message).toBe('no shouting');
    }
    expect(results[0]).not.toBe(results[1]);
    expect(calls.shout).toBe(2);
  });

  it('does not share a field no module declared shared', async () => {
    const { subscribe } = world();
    const stream = await subscribe(agent('a1'), 'subscription { notShared { id } }');
    void stream.return?.();
    const shared = new SharedEvents(new Set(['itemChanged']));
    const document = parse('subscription { notShared { id } }');
    const operation = document.definitions[0];
    if (operation?.kind !== 'OperationDefinition') throw new Error('no operation');
    expect(shared.keyOf(document, operation, {}, { viewer: agent('a1') })).toBeNull();
    const sharedDocument = parse(STAFF_QUERY);
    const sharedOperation = sharedDocument.definitions[0];
    if (sharedOperation?.kind !== 'OperationDefinition') throw new Error('no operation');
    expect(shared.keyOf(sharedDocument, sharedOperation, {}, { viewer: null })).toBeNull();
    expect(shared.keyOf(sharedDocument, sharedOperation, {}, { viewer: agent('a1') })).not.toBeNull();
  });
});
