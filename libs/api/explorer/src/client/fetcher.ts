import type { Fetcher, FetcherOpts, FetcherParams, Observable } from '@graphiql/toolkit' with { 'resolution-mode': 'import' };
import { GraphQLError, Kind, OperationTypeNode, parse, type OperationDefinitionNode } from 'graphql';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import { authorizationOf } from './headers';
import type { ExplorerSession } from './explorer-session';
import type { LiveTabs } from './live-tabs';

export interface ParleyFetcherOptions {
  /** Absolute http(s) URL of the GraphQL endpoint. */
  httpUrl: string;
  /** Absolute ws(s) URL of the graphql-ws endpoint. */
  wsUrl: string;
  /** The explorer's sign-in: its Authorization goes with every tab's requests, renewed as it expires. */
  session?: ExplorerSession;
  /** Keeps subscriptions running when the agent switches tabs. */
  live?: LiveTabs;
  /** Where the cursor is in the operation editor's live text (an offset), if known. */
  cursorOffset?: () => number | undefined;
}

/** What GraphiQL shows for a failure: a plain object, so no stack trace lands in the result pane. */
interface ShownError {
  message: string;
}

export interface ChosenOperation {
  subscription: boolean;
  operationName: string | undefined;
}

/**
 * Which operation of the document runs. GraphiQL parses the editor 100 ms
 * after an edit, so right after a paste it passes the live text with the
 * name of an operation chosen from the old text: a fast paste-and-run would
 * then run the previous operation again (a reply sent twice). When the parsed
 * document it hands over is not the live text, the operation under the cursor
 * in the live text is the one meant, as GraphiQL picks it once parsed; a
 * document with a single operation can only mean that one.
 */
export function chooseOperation(query: string, operationName: string | null | undefined, parsedText?: string, cursorOffset?: number): ChosenOperation {
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  } catch {
    // The server reports the syntax error.
    return { subscription: false, operationName: operationName ?? undefined };
  }
  const stale = parsedText !== undefined && parsedText !== query;
  const underCursor =
    stale && cursorOffset !== undefined ? operations.find((op) => op.loc && op.loc.start <= cursorOffset && cursorOffset <= op.loc.end) : undefined;
  const chosen =
    underCursor ??
    operations.find((op) => operationName && op.name?.value === operationName) ??
    (operations.length === 1 ? operations[0] : undefined);
  if (!chosen) return { subscription: false, operationName: operationName ?? undefined };
  return { subscription: chosen.operation === OperationTypeNode.SUBSCRIPTION, operationName: chosen.name?.value };
}

/**
 * Queries and mutations go over HTTP POST, subscriptions over graphql-ws. The
 * Authorization header from GraphiQL's headers editor (or the explorer's
 * sign-in, for every tab) is sent with both. A typed header gets a WebSocket
 * client of its own, recreated when it changes, because the server checks the
 * token once, in connection_init. The explorer's sign-in has one client whose
 * socket reconnects with the renewed token when the server closes it at the
 * old one's expiry, and resubscribes: a running subscription outlives renewals.
 */
export function createParleyFetcher(options: ParleyFetcherOptions): Fetcher {
  const { session, live } = options;
  let typed: { authorization: string | undefined; client: Client } | undefined;
  let signedIn: Client | undefined;

  const typedClientFor = (authorization: string | undefined): Client => {
    if (typed && typed.authorization === authorization) return typed.client;
    void typed?.client.dispose();
    const client = createClient({
      url: options.wsUrl,
      connectionParams: authorization ? { authorization } : {},
      // 4403 means the token was refused or expired: retrying cannot help, so say so at once.
      shouldRetry: (event) => isCloseEvent(event) && event.code !== 4403,
      retryAttempts: 3,
    });
    typed = { authorization, client };
    return client;
  };

  const sessionClient = (live: ExplorerSession): Client => {
    let sentWith: string | undefined;
    signedIn ??= createClient({
      url: options.wsUrl,
      connectionParams: async () => {
        sentWith = await live.fresh();
        return sentWith ? { authorization: sentWith } : {};
      },
      // Closed at the token's expiry (4403): reconnect, with a renewed token, while the session can renew.
      shouldRetry: (event) => isCloseEvent(event) && (event.code !== 4403 || live.canRenew || live.authorization !== sentWith),
      retryAttempts: 5,
      retryWait: () => new Promise((resolve) => setTimeout(resolve, 300)),
    });
    return signedIn;
  };

  return (params: FetcherParams, opts?: FetcherOpts) => {
    const parsedText = opts?.documentAST?.loc?.source.body;
    const { subscription, operationName } = chooseOperation(params.query, params.operationName, parsedText, options.cursorOffset?.());
    const request = { ...params, operationName };
    const authorization = session ? session.authorizationFor(authorizationOf(opts?.headers)) : authorizationOf(opts?.headers);
    const kept = live?.stopKeptFor(params.query);
    // Play in a tab whose subscription kept running: it stops, as GraphiQL's own play button does.
    if (kept) return finished(kept.last as ExecutionResult | undefined);
    if (subscription) {
      return subscribe(session?.owns(authorization) ? sessionClient(session) : typedClientFor(authorization), request, live);
    }
    return post(options.httpUrl, request, withAuthorization(opts?.headers, authorization));
  };
}

/** The tab's headers with Authorization set to the value to send (any case of the name replaced). */
function withAuthorization(headers: FetcherOpts['headers'], authorization: string | undefined): FetcherOpts['headers'] {
  const rest = Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization'));
  return authorization ? { ...rest, Authorization: authorization } : rest;
}

async function post(url: string, params: FetcherParams, headers: FetcherOpts['headers']): Promise<ExecutionResult> {
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value != null) sent[name] = String(value);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { ...sent, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify(params),
      credentials: 'omit',
    });
  } catch (error) {
    return failure(`Could not reach the API: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  try {
    return JSON.parse(text) as ExecutionResult;
  } catch {
    // A proxy or rate limiter may answer with a non-GraphQL body.
    return failure(`HTTP ${response.status} ${response.statusText}: ${text.slice(0, 500)}`.trim());
  }
}

type Observer = { next(value: ExecutionResult): void; error(reason: unknown): void; complete(): void };

function subscribe(client: Client, params: FetcherParams, live?: LiveTabs): Observable<ExecutionResult> {
  const start = (observer: Observer) =>
    client.subscribe<Record<string, unknown>>(
      { query: params.query, variables: params.variables ?? undefined, operationName: params.operationName ?? undefined },
      {
        // Wire results carry formatted errors; GraphiQL only prints them.
        next: (value) => observer.next(value as ExecutionResult),
        error: (reason) => observer.error(describe(reason)),
        complete: () => observer.complete(),
      },
    );
  const subscribable = {
    // GraphiQL subscribes with an observer object; the other Observable overloads are never used.
    subscribe(observer: Observer) {
      return live ? live.track(params.query, observer, start) : { unsubscribe: start(observer) };
    },
  };
  return subscribable as Observable<ExecutionResult>;
}

/** A run that answers at once with what was last shown (or nothing) and ends. */
function finished(last: ExecutionResult | undefined): Observable<ExecutionResult> {
  const subscribable = {
    subscribe(observer: Observer) {
      setTimeout(() => {
        if (last) observer.next(last);
        observer.complete();
      }, 0);
      return { unsubscribe: () => undefined };
    },
  };
  return subscribable as Observable<ExecutionResult>;
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number' && 'reason' in value;
}

/** graphql-ws reports GraphQL errors as an array, a closed socket as a CloseEvent, the rest as Error. */
function describe(reason: unknown): unknown {
  if (Array.isArray(reason)) return reason;
  if (isCloseEvent(reason)) {
    const hint = reason.code === 4403 ? ' (the Authorization header is missing, invalid or expired: sign in again)' : '';
    return { message: `WebSocket closed with code ${reason.code}${reason.reason ? ` ${reason.reason}` : ''}${hint}` } satisfies ShownError;
  }
  if (reason instanceof Error) return { message: reason.message } satisfies ShownError;
  if (typeof reason === 'object' && reason !== null && 'type' in reason) {
    return { message: 'Could not open the WebSocket connection to the API' } satisfies ShownError;
  }
  return { message: String(reason) } satisfies ShownError;
}

function failure(message: string): ExecutionResult {
  // GraphQLError serialises to { message }, which is all GraphiQL prints.
  return { errors: [new GraphQLError(message)] };
}
