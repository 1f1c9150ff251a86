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
  options: { token?: string; headers?: Record<string, string>; signal?: AbortSignal },
): Promise<TResult> {
  let response: Response;
  let text: string;
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
      signal: options.signal,
    });
    text = await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw networkError(error);
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
