import { makeEnvironmentProviders, inject, type EnvironmentProviders } from '@angular/core';
import { provideHttpClient, withFetch } from '@angular/common/http';
import { provideApollo } from 'apollo-angular';
import { HttpLink } from 'apollo-angular/http';
import { ApolloLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Kind, OperationTypeNode, type DocumentNode } from 'graphql';
import { from, mergeMap } from 'rxjs';
import { RealtimeConnection } from './realtime';
import { SESSION_ACCESS, type SessionAccess } from './session-access';

/** Operations whose UNAUTHENTICATED answer is about the credentials given (typed, or the host site's proof), not the session. */
const SIGN_IN_OPERATIONS = new Set(['Login', 'Register', 'IdentifyVisitor', 'StartVisitorSession']);

export function isSubscription(query: DocumentNode): boolean {
  const definition = getMainDefinition(query);
  return definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.SUBSCRIPTION;
}

/** Adds `Authorization: Bearer <token>` to every HTTP operation while signed in. */
export function authLink(session: SessionAccess): ApolloLink {
  return new ApolloLink((operation, forward) =>
    from(session.accessToken()).pipe(
      mergeMap((token) => {
        if (token) {
          operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
            headers: { ...(headers ?? {}), Authorization: `Bearer ${token}` },
          }));
        }
        return forward(operation);
      }),
    ),
  );
}

/** An UNAUTHENTICATED answer to a signed-in request means the session is over. */
export function sessionExpiryLink(session: SessionAccess): ApolloLink {
  return new ErrorLink(({ error, operation }) => {
    if (!CombinedGraphQLErrors.is(error) || SIGN_IN_OPERATIONS.has(operation.operationName ?? '')) return;
    if (error.errors.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED') && session.hasToken()) {
      session.sessionRejected();
    }
  });
}

/**
 * Apollo for the customer app: queries and mutations over HTTP (`/graphql`,
 * same origin), subscriptions over one graphql-ws socket on the same path.
 * The app keeps its own state (signals), so Apollo's cache is bypassed.
 */
export function provideParleyApollo(options: { uri?: string } = {}): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideHttpClient(withFetch()),
    provideApollo(() => {
      const session = inject(SESSION_ACCESS);
      const http = inject(HttpLink).create({ uri: options.uri ?? '/graphql' });
      const ws = new GraphQLWsLink(inject(RealtimeConnection).client);
      return {
        link: ApolloLink.from([
          sessionExpiryLink(session),
          ApolloLink.split(({ query }) => isSubscription(query), ws, ApolloLink.from([authLink(session), http])),
        ]),
        cache: new InMemoryCache(),
        defaultOptions: {
          query: { fetchPolicy: 'no-cache' },
          watchQuery: { fetchPolicy: 'no-cache' },
          mutate: { fetchPolicy: 'no-cache' },
        },
      };
    }),
  ]);
}
