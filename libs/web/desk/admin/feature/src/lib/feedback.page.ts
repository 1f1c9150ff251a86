import { ChangeDetectionStrategy, Component, LOCALE_ID, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { AdminArticleRowFragment, ArticleOrder } from '@parley/web/desk/admin/data-access';
import { ArticlePages } from './article-pages';

type Column = 'TITLE' | 'HELPFUL' | 'NOT_HELPFUL';

/** Staff (admins): how readers answered "Did this help?" on each article, sortable by either answer. */
@Component({
  selector: 'parley-desk-article-feedback',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  styleUrls: ['./admin.css', './admin-table.css'],
  styles: `
    .sort { border: 0; background: none; padding: 0; font: inherit; font-weight: 700; color: var(--color-primary); text-decoration: underline; text-underline-offset: 0.15em; cursor: pointer; }
  `,
  template: `
    <main class="screen" aria-labelledby="feedback-heading">
      <h1 id="feedback-heading" tabindex="-1" i18n="@@desk.feedback.heading">Article feedback</h1>
      <p class="muted" i18n="@@desk.feedback.intro">What readers of the help center answered to “Did this help?”. Choose a column heading to sort by it.</p>
      @if (pages.notice(); as text) {
        <p class="notice" role="alert">{{ text }}</p>
      }
      <p class="visually-hidden" role="status">{{ status() }}</p>
      <table data-testid="feedback">
        <thead>
          <tr>
            <th scope="col" [attr.aria-sort]="ariaSort('TITLE')">
              <button type="button" class="sort" (click)="sortBy('TITLE')" i18n="@@desk.feedback.article">Article</button>
            </th>
            <th scope="col" class="num" [attr.aria-sort]="ariaSort('HELPFUL')">
              <button type="button" class="sort" (click)="sortBy('HELPFUL')" i18n="@@desk.feedback.helpful">Helpful</button>
            </th>
            <th scope="col" class="num" [attr.aria-sort]="ariaSort('NOT_HELPFUL')">
              <button type="button" class="sort" (click)="sortBy('NOT_HELPFUL')" i18n="@@desk.feedback.notHelpful">Not helpful</button>
            </th>
            <th scope="col" class="num" i18n="@@desk.feedback.share">Found it helpful</th>
          </tr>
        </thead>
        <tbody>
          @for (a of pages.rows(); track a.id) {
            <tr [attr.data-article]="a.title">
              <th scope="row"><a [routerLink]="['/admin/articles', a.id]">{{ a.title }}</a></th>
              <td class="num">{{ a.feedback.helpful }}</td>
              <td class="num">{{ a.feedback.notHelpful }}</td>
              <td class="num">{{ share(a) }}</td>
            </tr>
          } @empty {
            <tr><td colspan="4" class="muted" i18n="@@desk.feedback.none">No article yet.</td></tr>
          }
        </tbody>
      </table>
      @if (pages.hasMore()) {
        <p><button type="button" class="button button--secondary button--sm" (click)="pages.more()" i18n="@@desk.feedback.more">Show more</button></p>
      }
    </main>
  `,
})
export class FeedbackPage {
  protected readonly pages = new ArticlePages();
  protected readonly order = signal<Column>('HELPFUL');
  protected readonly status = signal('');
  private readonly percent = new Intl.NumberFormat(inject(LOCALE_ID), { style: 'percent', maximumFractionDigits: 0 });

  constructor() {
    void this.pages.reload(this.order());
  }

  protected async sortBy(column: Column): Promise<void> {
    this.order.set(column);
    await this.pages.reload(column as ArticleOrder);
    this.status.set(this.sortedText(column));
  }

  /** Titles A to Z; the counts from the most to the fewest. */
  protected ariaSort(column: Column): 'ascending' | 'descending' | null {
    if (this.order() !== column) return null;
    return column === 'TITLE' ? 'ascending' : 'descending';
  }

  protected share(article: AdminArticleRowFragment): string {
    const answers = article.feedback.helpful + article.feedback.notHelpful;
    return answers ? this.percent.format(article.feedback.helpful / answers) : '—';
  }

  private sortedText(column: Column): string {
    switch (column) {
      case 'HELPFUL':
        return $localize`:@@desk.feedback.sortedHelpful:Sorted by helpful answers, most first.`;
      case 'NOT_HELPFUL':
        return $localize`:@@desk.feedback.sortedNotHelpful:Sorted by not helpful answers, most first.`;
      default:
        return $localize`:@@desk.feedback.sortedTitle:Sorted by title.`;
    }
  }
}
