import { encodeCursor, isIsoTimestamp, isUuid } from '@parley/api/core';
import type { ChatConnection, ChatRow } from './chat.type';

/** A cursor of a chat list (the `chats` list and chat search share their order): last activity, then id. */
export const isChatCursor = (v: unknown): v is ['c', string, string] =>
  Array.isArray(v) && v[0] === 'c' && isIsoTimestamp(v[1]) && typeof v[2] === 'string' && isUuid(v[2]);

/**
 * A page of a chat list ordered by last activity, newest first, from rows
 * read one past the page (`size + 1`): each chat's cursor, and whether there
 * is more after it (that extra row) and before it (the request had a cursor).
 */
export function chatConnection(rows: ChatRow[], size: number, hadCursor: boolean): ChatConnection {
  const edges = rows.slice(0, size).map((node) => ({ node, cursor: encodeCursor(['c', node.updatedAt.toISOString(), node.id]) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: hadCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
