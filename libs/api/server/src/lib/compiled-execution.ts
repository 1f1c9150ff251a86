import {
  createSourceEventStream,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  printSchema,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { isPromiseLike, mapEvents } from '@parley/api/core';
import { sharedPayload, type SharedEvents } from './shared-events';
import { HeaderMap, type ApolloServerOptionsWithGateway, type ApolloServerPlugin, type BaseContext, type GraphQLRequestContext, type GraphQLRequestListener } from '@apollo/server';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

/**
 * Runs operations through graphql-jit: each distinct document is compiled once
 * into plain JavaScript, then every request runs that function. graphql-js's
 * interpreter builds dictionary-mode objects for every field it executes (its
 * argument maps and result maps); a page of fifty messages allocated about
 * 800 KB that way, which kept the young generation collecting every few dozen
 * requests. Compiled execution keeps the same resolvers, scalars and error
 * paths.
 */
export class CompiledExecutor {
  /** Apollo keeps one parsed document per query text, so documents are stable keys; a dropped one frees its plans. */
  private readonly plans = new WeakMap<DocumentNode, Map<string, CompiledQuery>>();

  /** @param shared when given, events of its subscriptions run once per group of subscribers who see them alike */
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly shared?: SharedEvents,
  ) {}

  execute(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | undefined,
    context: unknown,
    root?: unknown,
  ): ExecutionResult | Promise<ExecutionResult> {
    const plan = this.plan(document, operation);
    const result = plan.query(root, context, variables ?? {});
    return isPromiseLike(result) ? result.then((r) => this.finish(r, operation, variables)) : this.finish(result, operation, variables);
  }

  private finish(result: ExecutionResult, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): ExecutionResult {
    if (!result.errors?.length) return result;
    if (!('data' in result)) return this.explainVariables(result, operation, variables);
    return { ...result, errors: result.errors.map(asGraphqlJsError) };
  }

  /** graphql-ws's `execute`: queries and mutations sent over a socket. */
  readonly executeArgs = (args: ExecutionArgs): ExecutionResult | Promise<ExecutionResult> => {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return { errors: [new GraphQLError('Unable to identify operation')] };
    return this.execute(args.document, operation, args.variableValues ?? undefined, args.contextValue);
  };

  /**
   * graphql-ws's `subscribe`. graphql-js opens the event stream (the field's
   * arguments coerced as the spec says, errors as it words them); each event
   * is then run through the compiled selection, once per subscriber, or once
   * per group of subscribers for a shared subscription (shared-events.ts).
   */
  readonly subscribeArgs = async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return { errors: [new GraphQLError('Unable to identify operation')] };
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    const key = this.shared?.keyOf(args.document, operation, args.variableValues ?? undefined, args.contextValue) ?? null;
    const run = new SubscriptionRun(this, args, operation, key === null ? undefined : this.shared, key);
    return mapEvents(stream, run.resultOf.bind(run), releaseResult);
  };

  private plan(document: DocumentNode, operation: OperationDefinitionNode): CompiledQuery {
    let byOperation = this.plans.get(document);
    if (!byOperation) this.plans.set(document, (byOperation = new Map()));
    const key = operation.name?.value ?? '';
    let plan = byOperation.get(key);
    if (!plan) {
      const compiled = compileQuery(this.schema, document, operation.name?.value);
      // Apollo has validated the document already; a failure here is a compiler limit, not the client's mistake.
      if (!isCompiledQuery(compiled)) throw new Error(`could not compile the operation: ${compiled.errors?.map((e) => e.message).join('; ')}`);
      plan = compiled;
      byOperation.set(key, plan);
    }
    return plan;
  }

  /**
   * Variables that do not fit their types stop an operation before anything
   * runs. graphql-js words those errors the way Apollo recognises (400,
   * BAD_USER_INPUT), so they are worked out again by graphql-js; nothing has
   * been executed at that point.
   */
  private explainVariables(result: ExecutionResult, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): ExecutionResult {
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], variables ?? {});
    return coerced.errors ? { errors: coerced.errors } : { errors: result.errors?.map(asGraphqlJsError) };
  }
}

/**
 * Apollo Server's hooks for running operations compiled.
 *
 * An operation that succeeds is answered from the `responseForOperation`
 * plugin hook, which Apollo calls once the operation is parsed, validated and
 * resolved (after every `didResolveOperation`), with the request context itself.
 * Apollo's executor hook for an executor of one's own (its gateway interface)
 * wraps that context per request in an object literal with a getter and a
 * setter (`makeGatewayGraphQLRequestContext`); V8 gives each such object a map
 * of its own in the old generation, and that map keeps the request and its
 * result alive through every young collection until the next full one. That
 * was most of what each young collection promoted, and the pauses it made were
 * a page's p99.
 *
 * An operation with errors (or one that throws) goes on through Apollo's
 * executor hook, which hands Apollo the outcome already reached, so Apollo
 * words, formats, logs and sets the status of errors as it always does: the
 * operation runs once either way.
 *
 * Answering from `responseForOperation` skips `executionDidStart`, so the
 * other plugins are given here: a request for which any of them brings an
 * `executionDidStart` takes Apollo's executor hook instead (still compiled),
 * and their execution hooks run as usual. Returns Apollo's gateway and the
 * whole plugin list to hand it (the given plugins, then this one).
 */
export function compiledExecution(
  schema: GraphQLSchema,
  executor: CompiledExecutor,
  plugins: readonly ApolloServerPlugin<any>[] = [],
): { gateway: Gateway; plugins: ApolloServerPlugin<any>[] } {
  // Requests some plugin wants to see executed (its executionDidStart), by context value.
  const executedByApollo = new WeakSet<object>();
  const watched = plugins.map((plugin): ApolloServerPlugin<any> => {
    const requestDidStart = plugin.requestDidStart;
    if (!requestDidStart) return plugin;
    return Object.assign(Object.create(plugin) as ApolloServerPlugin<any>, {
      async requestDidStart(requestContext: GraphQLRequestContext<any>) {
        const listener = await requestDidStart.call(plugin, requestContext);
        if (listener?.executionDidStart) executedByApollo.add(requestContext.contextValue);
        return listener;
      },
    });
  });
  // Outcomes with errors, waiting for the executor hook. Keyed by the context value, which Apollo
  // makes per request (it clones the one it is given), and weakly: a request that ends early leaves nothing.
  const unfinished = new WeakMap<object, { result: ExecutionResult } | { thrown: unknown }>();
  // Nothing to add to the response's status or headers; Apollo only reads this (it copies from it).
  const noHead = { headers: new HeaderMap() };
  const listener: GraphQLRequestListener<BaseContext> = {
    async responseForOperation({ document, operation, request, contextValue }) {
      // No operation to run (several and no operationName, or a name that is not there): Apollo's executor hook words it.
      if (!operation) return null;
      if (executedByApollo.has(contextValue)) return null;
      let result: ExecutionResult;
      try {
        result = await executor.execute(document, operation, request.variables, contextValue);
      } catch (thrown) {
        unfinished.set(contextValue, { thrown });
        return null;
      }
      if (result.errors?.length) {
        unfinished.set(contextValue, { result });
        return null;
      }
      return { body: { kind: 'single', singleResult: result }, http: noHead };
    },
  };
  const gateway: Gateway = {
    async load() {
      return {
        executor: async ({ document, operation, request, context }) => {
          // Apollo turns this into its OperationResolutionError: a 400, as graphql-js's executor would have it.
          if (!operation) return { errors: [new GraphQLError(request.operationName ? `Unknown operation named "${request.operationName}".` : 'Must provide operation name if query contains multiple operations.')] };
          const outcome = unfinished.get(context);
          if (!outcome) return executor.execute(document, operation, request.variables, context);
          unfinished.delete(context);
          if ('thrown' in outcome) throw outcome.thrown;
          return outcome.result;
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    async stop() {
      // nothing to release: plans go with their documents
    },
  };
  // Last, so any plugin of the list answering from its own responseForOperation comes first.
  return { gateway, plugins: [...watched, { requestDidStart: async () => listener }] };
}

/**
 * One subscription's events run through its compiled selection: an object
 * per subscription, where two closures and the subscribe step's scope stayed
 * as long as the subscription did (a widget's lasts hours).
 */
class SubscriptionRun {
  constructor(
    private readonly executor: CompiledExecutor,
    private readonly args: ExecutionArgs,
    private readonly operation: OperationDefinitionNode,
    /** Set when its events are shared by a group of subscribers (`key`). */
    private readonly shared: SharedEvents | undefined,
    private readonly key: string | null,
  ) {}

  resultOf(event: unknown): ExecutionResult | Promise<ExecutionResult> {
    if (!this.shared || this.key === null) return this.run(event);
    return this.shared.resultOf(event, this.key, () => this.run(event));
  }

  private run(event: unknown): ExecutionResult | Promise<ExecutionResult> {
    return this.executor.execute(this.args.document, this.operation, this.args.variableValues ?? undefined, this.args.contextValue, event);
  }
}

/**
 * graphql-jit's errors freeze their message; plugins that reword errors
 * (graphql-armor hides field suggestions) need graphql-js's own kind.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const copy = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions });
  if (error.locations) (copy as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return copy;
}

/**
 * An event's result, emptied once its subscriber has sent it. graphql-ws's
 * `for await` loop keeps the last result it sent in a local variable until the
 * next event arrives, seconds later in a quiet chat; a heap snapshot under load
 * found hundreds of subscriptions each holding its last message that way.
 */
function releaseResult(result: ExecutionResult): void {
  if (sharedPayload(result) !== undefined) return; // others are handed it too; it goes with its event
  result.data = undefined;
  result.errors = undefined;
  result.extensions = undefined;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown })?.[Symbol.asyncIterator] === 'function';
}
