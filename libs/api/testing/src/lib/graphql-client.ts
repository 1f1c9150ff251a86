import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

/** POSTs an operation as a browser or curl would. */
export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse<T>;
}

/** The data of a successful operation; fails the test with the errors otherwise. */
export async function gqlOk<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await gql<T>(url, query, variables, token, headers);
  if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** The contract code of the first error (undefined when the operation succeeded). */
export const errorCode = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.['code'] as string | undefined;

export interface WsClient {
  client: Client;
  /** Code and reason of the socket's close, once closed. */
  closed: Promise<{ code: number; reason: string }>;
  dispose(): Promise<void>;
}

/** A real graphql-ws client over a real WebSocket, authenticating like an integrator would. */
export function wsClient(url: string, token?: string, options: { retry?: boolean } = {}): WsClient {
  let resolveClosed!: (value: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: options.retry ? 5 : 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: {
      closed: (event) => {
        const e = event as { code?: number; reason?: string };
        resolveClosed({ code: e.code ?? 0, reason: String(e.reason ?? '') });
      },
    },
    onNonLazyError: () => undefined,
  });
  return { client, closed, dispose: () => Promise.resolve(client.dispose()) };
}

export interface Subscription<T> {
  values: T[];
  errors: unknown[];
  /** Resolves once `count` values have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  /** Resolves when the server ends the subscription (complete or error). */
  ended: Promise<void>;
  unsubscribe(): void;
}

/** Subscribes and collects every `data[field]` the server sends. */
export function subscribe<T = any>(
  ws: WsClient,
  query: string,
  variables: Record<string, unknown> = {},
): Subscription<T> {
  const values: T[] = [];
  const errors: unknown[] = [];
  const waiters: Array<() => void> = [];
  let resolveEnded!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  const notify = () => waiters.splice(0).forEach((w) => w());
  const unsubscribe = ws.client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        const data = result.data;
        if (data) values.push(Object.values(data)[0] as T);
        notify();
      },
      error: (error) => {
        errors.push(error);
        notify();
        resolveEnded();
      },
      complete: () => {
        notify();
        resolveEnded();
      },
    },
  );
  const waitFor = (count: number, timeoutMs = 5000) =>
    new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${count} events, got ${values.length}; errors: ${JSON.stringify(errors)}`)),
        timeoutMs,
      );
      const check = () => {
        if (values.length >= count) {
          clearTimeout(timer);
          resolve(values);
        } else if (errors.length) {
          clearTimeout(timer);
          reject(new Error(`subscription failed: ${JSON.stringify(errors)}`));
        } else waiters.push(check);
      };
      check();
    });
  return { values, errors, waitFor, ended, unsubscribe };
}
