import { GraphQLBoolean, GraphQLInt, GraphQLObjectType, GraphQLSchema, parse, type ExecutionResult } from 'graphql';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { AsyncQueue } from '@parley/api/core';
import { CompiledExecutor, compiledExecution } from './compiled-execution';

type SourceKind = 'async generator' | 'AsyncQueue';

/**
 * A schema with one subscription that yields the given numbers, from an async
 * generator or from Parley's own queue (which the executor maps as it hands
 * out), and a flag that says when its source was ended.
 */
function tickingSchema(kind: SourceKind, numbers: number[]) {
  const source = { ended: false };
  async function* ticks() {
    try {
      for (const n of numbers) yield { n };
    } finally {
      source.ended = true;
    }
  }
  const queued = () => {
    const queue = new AsyncQueue<{ n: number }>(() => (source.ended = true));
    for (const n of numbers) queue.push({ n });
    return queue;
  };
  const Tick = new GraphQLObjectType({ name: 'Tick', fields: { n: { type: GraphQLInt } } });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLBoolean, resolve: () => true } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: { ticked: { type: Tick, subscribe: () => (kind === 'AsyncQueue' ? queued() : ticks()), resolve: (tick: { n: number }) => tick } },
    }),
  });
  return { schema, source };
}

async function subscribe(schema: GraphQLSchema) {
  const stream = await new CompiledExecutor(schema).subscribeArgs({ schema, document: parse('subscription { ticked { n } }') });
  if (!(Symbol.asyncIterator in stream)) throw new Error(`not a stream: ${JSON.stringify(stream)}`);
  return stream as AsyncIterableIterator<ExecutionResult>;
}

describe.each<SourceKind>(['async generator', 'AsyncQueue'])('CompiledExecutor subscriptions from an %s', (kind) => {
  it('runs each event through the selection, in order', async () => {
    const { schema } = tickingSchema(kind, [1, 2]);
    const stream = await subscribe(schema);
    const results = [structuredClone((await stream.next()).value), structuredClone((await stream.next()).value)];
    expect(results).toEqual([{ data: { ticked: { n: 1 } } }, { data: { ticked: { n: 2 } } }]);
  });

  it('lets go of a result once the consumer asks for the next one', async () => {
    // A consumer's loop variable keeps the last result it sent until the next event, which in a
    // quiet chat is seconds later; an emptied result keeps nothing of the message alive meanwhile.
    const { schema } = tickingSchema(kind, [1, 2]);
    const stream = await subscribe(schema);
    const first = (await stream.next()).value as ExecutionResult;
    expect(first.data).toEqual({ ticked: { n: 1 } });
    const second = (await stream.next()).value as ExecutionResult;
    expect(second.data).toEqual({ ticked: { n: 2 } });
    expect(first.data).toBeUndefined();
    expect(first.errors).toBeUndefined();
  });

  it('ends the source when the consumer stops', async () => {
    const { schema, source } = tickingSchema(kind, [1, 2, 3]);
    const stream = await subscribe(schema);
    await stream.next();
    await stream.return?.();
    expect(source.ended).toBe(true);
  });
});

describe('CompiledExecutor subscriptions', () => {
  it('ends with a source that ends', async () => {
    const { schema } = tickingSchema('async generator', [1, 2]);
    const results: unknown[] = [];
    for await (const result of await subscribe(schema)) results.push(structuredClone(result));
    expect(results).toEqual([{ data: { ticked: { n: 1 } } }, { data: { ticked: { n: 2 } } }]);
  });
});

/** A schema whose mutation counts its runs and fails on request, answered by Apollo with or without compiled execution. */
function countingServer(compiled: boolean, plugins: ApolloServerPlugin[] = []) {
  const runs = { count: 0 };
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLBoolean, resolve: () => true } } }),
    mutation: new GraphQLObjectType({
      name: 'Mutation',
      fields: {
        bump: {
          type: GraphQLInt,
          args: { fail: { type: GraphQLBoolean } },
          resolve: (_root, args: { fail?: boolean }) => {
            runs.count += 1;
            if (args.fail) throw new Error('bump refused');
            return runs.count;
          },
        },
      },
    }),
  });
  const hooks = compiledExecution(schema, new CompiledExecutor(schema), plugins);
  const server = new ApolloServer(compiled ? { gateway: hooks.gateway, plugins: hooks.plugins } : { schema, plugins: [...plugins] });
  return { server, runs };
}

async function answer(server: ApolloServer, query: string, variables?: Record<string, unknown>) {
  const response = await server.executeOperation(variables ? { query, variables } : { query });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { status: response.http.status, result: response.body.singleResult };
}

describe('compiled execution behind Apollo Server', () => {
  const cases: Array<{ name: string; query: string; variables?: Record<string, unknown> }> = [
    { name: 'a success', query: 'mutation { bump }' },
    { name: 'an error in a resolver', query: 'mutation { bump(fail: true) }' },
    { name: 'variables that do not fit their types', query: 'mutation ($fail: Boolean) { bump(fail: $fail) }', variables: { fail: 'yes' } },
  ];

  it.each(cases)('answers $name as graphql-js behind Apollo does, running the operation once', async ({ query, variables }) => {
    const plain = countingServer(false);
    const compiled = countingServer(true);
    await Promise.all([plain.server.start(), compiled.server.start()]);
    try {
      const expected = await answer(plain.server, query, variables);
      const actual = await answer(compiled.server, query, variables);
      expect(actual).toEqual(expected);
      expect(compiled.runs.count).toBe(plain.runs.count);
      expect(compiled.runs.count).toBeLessThanOrEqual(1);
    } finally {
      await Promise.all([plain.server.stop(), compiled.server.stop()]);
    }
  });

  it('answers the next request afresh after one with errors', async () => {
    const { server, runs } = countingServer(true);
    await server.start();
    try {
      const failed = await answer(server, 'mutation { bump(fail: true) }');
      expect(failed.result.errors?.[0]?.message).toBe('bump refused');
      const next = await answer(server, 'mutation { bump }');
      expect(next.result).toEqual({ data: { bump: 2 } });
      expect(runs.count).toBe(2);
    } finally {
      await server.stop();
    }
  });

  it('still runs a plugin that relies on executionDidStart, with the operation compiled and run once', async () => {
    const seen: string[] = [];
    const executionWatcher: ApolloServerPlugin = {
      async requestDidStart() {
        return {
          async executionDidStart({ operationName }) {
            seen.push(`started ${operationName ?? ''}`);
            return {
              async executionDidEnd(error) {
                seen.push(error ? 'ended with an error' : 'ended');
              },
            };
          },
        };
      },
    };
    const { server, runs } = countingServer(true, [executionWatcher]);
    await server.start();
    try {
      const answered = await answer(server, 'mutation Bump { bump }');
      expect(answered.result).toEqual({ data: { bump: 1 } });
      expect(runs.count).toBe(1);
      expect(seen).toEqual(['started Bump', 'ended']);
    } finally {
      await server.stop();
    }
  });
});
