import { inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { describeError, toAppError } from '@parley/web/shared/data-access';
import { AdminArticlesGQL, type AdminArticleRowFragment, type ArticleOrder } from '@parley/web/desk/admin/data-access';

/** The admins' list of articles in one order, a page at a time ("Show more"), for the articles and feedback screens. */
export class ArticlePages {
  private readonly gql = inject(AdminArticlesGQL);
  readonly rows = signal<AdminArticleRowFragment[]>([]);
  readonly total = signal<number | null>(null);
  readonly hasMore = signal(false);
  readonly notice = signal<string | null>(null);
  private cursor: string | null = null;
  private order: ArticleOrder = 'TITLE';

  /** From the first page, in this order. */
  async reload(order: ArticleOrder = this.order): Promise<void> {
    this.order = order;
    this.cursor = null;
    await this.fetch(true);
  }

  async more(): Promise<void> {
    await this.fetch(false);
  }

  private async fetch(fresh: boolean): Promise<void> {
    this.notice.set(null);
    try {
      const result = await firstValueFrom(
        this.gql.fetch({ variables: { orderBy: this.order, first: 50, after: fresh ? null : this.cursor }, fetchPolicy: 'network-only' }),
      );
      const page = result.data?.articles;
      if (!page) return;
      const nodes = page.edges.map((e) => e.node);
      this.rows.set(fresh ? nodes : [...this.rows(), ...nodes]);
      this.total.set(page.totalCount);
      this.hasMore.set(page.pageInfo.hasNextPage);
      this.cursor = page.pageInfo.endCursor;
    } catch (e) {
      this.notice.set(describeError(toAppError(e)));
    }
  }
}
