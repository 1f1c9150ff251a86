import { InjectionToken } from '@angular/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { toAppError } from '@parley/web/shared/data-access';
import { RefreshSessionDocument, type AuthSessionFragment } from '../generated/graphql';

/**
 * Exchanges a refresh token for the next session (access token and the next
 * refresh token). Rejects with an AppError; UNAUTHENTICATED means the session
 * is over (refresh token expired, spent or revoked).
 */
export type SessionRefresher = (refreshToken: string) => Promise<AuthSessionFragment>;

/**
 * A plain fetch, not Apollo: Apollo's auth link waits for the session's token,
 * which is what is being refreshed.
 */
export function fetchSessionRefresher(uri = '/graphql'): SessionRefresher {
  const query = print(RefreshSessionDocument);
  return async (refreshToken) => {
    let response: Response;
    try {
      response = await fetch(uri, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operationName: 'RefreshSession', query, variables: { refreshToken } }),
      });
    } catch (error) {
      throw toAppError(error);
    }
    const body = (await response.json().catch(() => null)) as RefreshAnswer | null;
    const session = body?.data?.refreshToken;
    if (session) return session;
    if (body?.errors?.length) throw toAppError(new CombinedGraphQLErrors({ errors: body.errors }));
    throw toAppError(new Error(`Refreshing the session failed (HTTP ${response.status})`));
  };
}

interface RefreshAnswer {
  data?: { refreshToken?: AuthSessionFragment | null } | null;
  errors?: GraphQLFormattedError[];
}

export const SESSION_REFRESHER = new InjectionToken<SessionRefresher>('SessionRefresher', {
  providedIn: 'root',
  factory: () => fetchSessionRefresher(),
});
