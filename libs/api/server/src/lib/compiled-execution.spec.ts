import { GraphQLBoolean, GraphQLInt, GraphQLObjectType, GraphQLSchema, parse, type ExecutionResult } from 'graphql';
import { CompiledExecutor } from './compiled-execution';

/** A schema with one subscription that yields the given numbers, and a flag that says when its source was ended. */
function tickingSchema(numbers: number[]) {
  const source = { ended: false };
  async function* ticks() {
    try {
      for (const n of numbers) yield { n };
    } finally {
      source.ended = true;
    }
  }
  const Tick = new GraphQLObjectType({ name: 'Tick', fields: { n: { type: GraphQLInt } } });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLBoolean, resolve: () => true } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: { ticked: { type: Tick, subscribe: () => ticks(), resolve: (tick: { n: number }) => tick } },
    }),
  });
  return { schema, source };
}

async function subscribe(schema: GraphQLSchema) {
  const stream = await new CompiledExecutor(schema).subscribeArgs({ schema, document: parse('subscription { ticked { n } }') });
  if (!(Symbol.asyncIterator in stream)) throw new Error(`not a stream: ${JSON.stringify(stream)}`);
  return stream as AsyncIterableIterator<ExecutionResult>;
}

describe('CompiledExecutor subscriptions', () => {
  it('runs each event through the selection, in order, and ends with the source', async () => {
    const { schema } = tickingSchema([1, 2]);
    const stream = await subscribe(schema);
    const results: unknown[] = [];
    for await (const result of stream) results.push(structuredClone(result));
    expect(results).toEqual([{ data: { ticked: { n: 1 } } }, { data: { ticked: { n: 2 } } }]);
  });

  it('lets go of a result once the consumer asks for the next one', async () => {
    // A consumer's loop variable keeps the last result it sent until the next event, which in a
    // quiet chat is seconds later; an emptied result keeps nothing of the message alive meanwhile.
    const { schema } = tickingSchema([1, 2]);
    const stream = await subscribe(schema);
    const first = (await stream.next()).value as ExecutionResult;
    expect(first.data).toEqual({ ticked: { n: 1 } });
    const second = (await stream.next()).value as ExecutionResult;
    expect(second.data).toEqual({ ticked: { n: 2 } });
    expect(first.data).toBeUndefined();
    expect(first.errors).toBeUndefined();
  });

  it('ends the source when the consumer stops', async () => {
    const { schema, source } = tickingSchema([1, 2, 3]);
    const stream = await subscribe(schema);
    await stream.next();
    await stream.return?.();
    expect(source.ended).toBe(true);
  });
});
