import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { fromGraphQLErrors, networkError, ParleyError, type GraphQLFormattedError } from './errors.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** A typed operation: the generated documents, or any other typed document string. */
export type TypedDocument<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables> & { toString(): string };

/** One POST of one operation; every failure becomes a ParleyError. */
export async function postOperation<TResult, TVariables>(
  fetchImpl: FetchLike,
  url: string,
  document: TypedDocument<TResult, TVariables>,
  variables: TVariables,
  options: { token?: string; headers?: Record<string, string>; signal?: AbortSignal; timeoutMs?: number },
): Promise<TResult> {
  let response: Response;
  let text: string;
  // A connection that went silent (no reset, no answer) would hold the request forever: give up on it after
  // timeoutMs, as on a network error, so that an idempotent operation is retried on a fresh connection.
  const attempt = new AbortController();
  const onAbort = () => attempt.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = options.timeoutMs ? setTimeout(() => attempt.abort(new Error(`No answer within ${options.timeoutMs} ms`)), options.timeoutMs) : undefined;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...options.headers,
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
      signal: attempt.signal,
    });
    text = await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw networkError(attempt.signal.aborted ? attempt.signal.reason : error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  let body: { data?: TResult | null; errors?: GraphQLFormattedError[] };
  try {
    body = JSON.parse(text);
  } catch (error) {
    // A proxy's 502 page, a load balancer's 503: the server never answered.
    if (response.status >= 500) throw networkError(error, response.status);
    throw new ParleyError('BAD_RESPONSE', `Not a GraphQL answer (HTTP ${response.status})`, { status: response.status, cause: error });
  }
  if (body?.errors?.length) throw fromGraphQLErrors(body.errors, response.status);
  if (response.status >= 500) throw networkError(undefined, response.status);
  if (!body?.data) throw new ParleyError('BAD_RESPONSE', `No data in the answer (HTTP ${response.status})`, { status: response.status });
  return body.data;
}
