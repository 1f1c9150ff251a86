import { badUserInput, checkPageSize, codePointLength, decodeCursor, isStaff, type FieldProblem, type Viewer } from '@parley/api/core';
import { chatConnection, isChatCursor, type ChatConnection } from '@parley/api/chat';
import { DEFAULT_PAGE_SIZES, LIMITS } from '@parley/shared/limits';
import type { ChatSearchRepository } from './chat-search.repository';
import { ACTIVITY_LIMITS } from './chat-activity.type';


export interface SearchChatsArgs {
  query?: string | null;
  label?: string | null;
  first?: number | null;
  after?: string | null;
}

/**
 * searchChats: chats whose messages or subject match the query and/or that
 * carry the label, most recently updated first. Customers search their own
 * chats only, and labels are not theirs to see, so theirs is ignored.
 * Neither query nor label: every chat the viewer may see.
 */
export class ChatSearchService {
  constructor(private readonly repository: ChatSearchRepository) {}

  async search(viewer: Viewer, args: SearchChatsArgs): Promise<ChatConnection> {
    const staff = isStaff(viewer.role);
    const problems: FieldProblem[] = checkPageSize('first', args.first, LIMITS.pageSizeMax);
    const query = args.query?.trim() || null;
    if (query && codePointLength(query) > ACTIVITY_LIMITS.searchQueryMax) {
      problems.push({ field: 'query', message: `must be at most ${ACTIVITY_LIMITS.searchQueryMax} characters` });
    }
    let label: string | null = null;
    if (staff && args.label != null) {
      label = args.label.trim();
      const length = codePointLength(label);
      if (length < 1 || length > ACTIVITY_LIMITS.labelMax) problems.push({ field: 'label', message: `must be 1 to ${ACTIVITY_LIMITS.labelMax} characters after trimming` });
    }
    const cursor = args.after == null ? null : decodeCursor(args.after, isChatCursor);
    if (args.after != null && !cursor) problems.push({ field: 'after', message: 'is not a cursor from this list' });
    if (problems.length) throw badUserInput(problems);

    const size = args.first ?? DEFAULT_PAGE_SIZES.chats;
    const rows = await this.repository.search({
      query,
      label: label?.toLowerCase() ?? null,
      customerId: staff ? null : viewer.id,
      before: cursor ? [cursor[1], cursor[2]] : null,
      limit: size + 1,
    });
    return chatConnection(rows, size, cursor !== null);
  }
}
