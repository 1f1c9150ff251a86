import { Injectable, computed, inject, signal } from '@angular/core';
import type { Subscription } from 'rxjs';
import { describeError, toAppError } from '@parley/web/shared/data-access';
import { DeskSearchChatsGQL, type DeskChatFragment } from '@parley/web/desk/api/data-access';
import { newer } from './inbox-views';
import { InboxStore } from './inbox.store';

const PAGE_SIZE = 50;

/** What the Search view asks for: words (full-text over messages and subjects) and/or a label. */
export interface ChatSearch {
  query: string;
  label: string;
}

/** Trims a search; null when there is nothing to look for. */
export function searchTerms(search: ChatSearch): { query: string | null; label: string | null } | null {
  const query = search.query.trim() || null;
  const label = search.label.trim() || null;
  return query || label ? { query, label } : null;
}

/**
 * The Search view's results (searchChats), page after page as the agent
 * scrolls. Kept while a result is open beside them. Each result shows the
 * inbox's copy of the chat when it has a newer one (live changes).
 */
@Injectable({ providedIn: 'root' })
export class SearchStore {
  private readonly gql = inject(DeskSearchChatsGQL);
  private readonly inbox = inject(InboxStore);
  private readonly found = signal<readonly string[]>([]);
  private readonly copies = signal<ReadonlyMap<string, DeskChatFragment>>(new Map());
  private cursor: string | null = null;
  private request: Subscription | null = null;

  /** The search shown (what was last submitted). */
  readonly search = signal<ChatSearch>({ query: '', label: '' });
  readonly searched = signal(false);
  readonly loading = signal(false);
  readonly hasMore = signal(false);
  readonly error = signal<string | null>(null);
  readonly results = computed<DeskChatFragment[]>(() => {
    const copies = this.copies();
    return this.found().flatMap((id) => {
      const live = this.inbox.chat(id);
      const found = copies.get(id);
      const chat = live && found ? newer(found, live) : (live ?? found);
      return chat ? [chat] : [];
    });
  });

  /** Runs a new search from its first page (nothing to look for clears the results). */
  run(search: ChatSearch): void {
    this.search.set(search);
    this.request?.unsubscribe();
    this.found.set([]);
    this.copies.set(new Map());
    this.cursor = null;
    this.hasMore.set(false);
    this.error.set(null);
    this.searched.set(searchTerms(search) !== null);
    this.loading.set(false);
    if (this.searched()) this.load();
  }

  /** The next page, when the agent scrolls near the end. */
  loadMore(): void {
    if (this.hasMore() && !this.loading()) this.load();
  }

  clear(): void {
    this.run({ query: '', label: '' });
  }

  private load(): void {
    const terms = searchTerms(this.search());
    if (!terms) return;
    this.loading.set(true);
    this.request = this.gql.fetch({ variables: { ...terms, first: PAGE_SIZE, after: this.cursor } }).subscribe({
      next: (result) => {
        this.loading.set(false);
        const page = result.data?.searchChats;
        if (!page) return;
        const copies = new Map(this.copies());
        const ids = [...this.found()];
        for (const { node } of page.edges) {
          if (!copies.has(node.id)) ids.push(node.id);
          copies.set(node.id, node);
        }
        this.copies.set(copies);
        this.found.set(ids);
        this.cursor = page.pageInfo.endCursor;
        this.hasMore.set(page.pageInfo.hasNextPage);
      },
      error: (e: unknown) => {
        this.loading.set(false);
        this.error.set(describeError(toAppError(e)));
      },
    });
  }
}
