import { BREAK, Kind, visit, type DocumentNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { AppError, isStaff, type RequestContext, type Viewer } from '@parley/api/core';

// Both transports keep each parsed document (Apollo's document store, the socket's valid documents) and hand the
// same object back for the same text: the answer is kept with it, where a walk of the document per request cost
// about 2% of the API's CPU under new visitors.
const schemaAsked = new WeakMap<DocumentNode, boolean>();

/** Whether the document asks for the schema itself (`__schema` or `__type`; `__typename` is ordinary). */
export function asksForSchema(document: DocumentNode): boolean {
  const known = schemaAsked.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  schemaAsked.set(document, found);
  return found;
}

export const mayIntrospect = (viewer: Viewer | null) => Boolean(viewer && isStaff(viewer.role));

export const introspectionRefused = () =>
  new AppError('FORBIDDEN', 'Introspection is open to signed-in agents and admins only.', { http: { status: 403 } });

/**
 * With `staff`, the schema is described only to agents and admins (the
 * explorer signs them in first): a production API need not hand anyone its
 * full map. Checked once the operation is known, before anything runs.
 */
export function introspectionPlugin(policy: 'open' | 'staff'): ApolloServerPlugin<RequestContext> {
  if (policy === 'open') return {};
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if (!mayIntrospect(contextValue.viewer) && asksForSchema(document)) throw introspectionRefused();
        },
      };
    },
  };
}
