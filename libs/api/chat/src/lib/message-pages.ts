import { badUserInput, checkPageSize, decodeCursor, encodeCursor, isPgInteger, isUuid, scopedValue, type RequestContext, type Viewer } from '@parley/api/core';
import { DEFAULT_PAGE_SIZES } from '@parley/shared/limits';
import type { User } from '@parley/api/auth';
import { assertCanView } from './chat.access';
import type { ChatRepository, PageWindow } from './chat.repository';
import type { ChatRow, MessageConnection, MessageRow } from './chat.type';

export interface MessagePageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A page of messages, and the users read with it (its senders, when it was read with its chat). */
export interface MessagePage {
  connection: MessageConnection;
  senders: readonly User[];
}

type Problems = { field: string; message: string }[];

const isSeqCursor = (v: unknown): v is ['m', number] => Array.isArray(v) && v[0] === 'm' && isPgInteger(v[1]) && v[1] >= 0;

/** Which page a request asks for, as a key: a page read ahead with the chat serves only the same request. */
const pageKey = (args: MessagePageArgs) => `${args.first ?? ''}|${args.after ?? ''}|${args.last ?? ''}|${args.before ?? ''}`;

/**
 * Pages read together with their chat in this request (chatWithPage).
 * Request-scoped on purpose: kept in a WeakMap on the service instead, one
 * entry per request, they took the garbage collector from 2-3% of a paging
 * run's server time to 13% (docs/benchmarks.md, ninth round).
 */
const PAGES_READ_AHEAD = Symbol('pagesReadAhead');
const pagesReadAhead = (ctx: RequestContext) => scopedValue(ctx, PAGES_READ_AHEAD, () => new Map<ChatRow, { key: string; page: MessagePage }>());

/** Message paging: cursors, windows and pageInfo over a chat's dense seqs (1..lastSeq). */
export class MessagePages {
  constructor(private readonly repository: ChatRepository) {}

  /**
   * A chat the viewer may see, read together with one page of its messages
   * and its participants (the page's senders) in one statement: the `chat`
   * query asks for this when its `messages` field is selected, and that
   * field's `page` then returns the page without another round trip.
   * Arguments the page would refuse return undefined: the caller reads the
   * chat alone, and the field reports them as before. One statement sees one
   * snapshot: pageInfo and the page agree with the chat's lastSeq.
   */
  async chatWithPage(ctx: RequestContext, viewer: Viewer, chatId: string, args: MessagePageArgs): Promise<ChatRow | null | undefined> {
    const window = pageWindow(args);
    if ('problems' in window || !isUuid(chatId)) return undefined;
    const read = await this.repository.chatWithPage(chatId, window);
    if (!read) return null;
    assertCanView(viewer, read.chat);
    const page = { connection: pageConnection(read.chat, window, read.messages), senders: read.participants };
    pagesReadAhead(ctx).set(read.chat, { key: pageKey(args), page });
    return read.chat;
  }

  /**
   * One page of a chat's messages, oldest first: the one read with the chat
   * when it was, else read now (its senders are then left to the user loader,
   * which batches and caches them for the request).
   */
  async page(ctx: RequestContext, chat: ChatRow, args: MessagePageArgs): Promise<MessagePage> {
    const read = pagesReadAhead(ctx).get(chat);
    if (read?.key === pageKey(args)) return read.page;
    const window = pageWindow(args);
    if ('problems' in window) throw badUserInput(window.problems);
    // Seqs are dense, so a page is an index range scan whatever its depth.
    const empty = window.size === 0 || (window.upper !== null && window.upper < window.lower);
    const rows = empty ? [] : await this.repository.messagePage(chat.id, window);
    return { connection: pageConnection(chat, window, rows), senders: [] };
  }
}

/** What a page's arguments ask for, or what is wrong with them. */
function pageWindow(args: MessagePageArgs): PageWindow | { problems: Problems } {
  const problems = [...checkPageSize('first', args.first), ...checkPageSize('last', args.last)];
  if (args.first != null && args.last != null) problems.push({ field: 'last', message: 'cannot be used with first' });
  const after = seqCursor(args.after, 'after', problems);
  const before = seqCursor(args.before, 'before', problems);
  if (problems.length) return { problems };
  const forward = args.first != null || (args.after != null && args.last == null);
  return {
    lower: after === null ? 1 : after + 1,
    upper: before === null ? null : before - 1,
    size: forward ? (args.first ?? DEFAULT_PAGE_SIZES.messages) : (args.last ?? DEFAULT_PAGE_SIZES.messages),
    forward,
  };
}

/** A message cursor's seq; null when absent; a problem recorded when it is not one of ours. */
function seqCursor(cursor: string | null | undefined, field: string, problems: Problems): number | null {
  if (cursor == null) return null;
  const decoded = decodeCursor(cursor, isSeqCursor);
  if (!decoded) {
    problems.push({ field, message: 'is not a cursor from this list' });
    return null;
  }
  return decoded[1];
}

function pageConnection(chat: ChatRow, window: PageWindow, nodes: MessageRow[]): MessageConnection {
  const upper = Math.min(window.upper ?? chat.lastSeq, chat.lastSeq);
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor(['m', node.seq]) }));
  const first = nodes[0]?.seq;
  const last = nodes[nodes.length - 1]?.seq;
  return {
    edges,
    pageInfo: {
      hasPreviousPage: first !== undefined ? first > 1 : window.lower > 1,
      hasNextPage: last !== undefined ? last < chat.lastSeq : upper < chat.lastSeq,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
