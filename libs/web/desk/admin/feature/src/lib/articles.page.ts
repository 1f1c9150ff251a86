import { ChangeDetectionStrategy, Component, ElementRef, LOCALE_ID, inject, signal, viewChild } from '@angular/core';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { describeError, toAppError } from '@parley/web/shared/data-access';
import { AdminDeleteArticleGQL, type AdminArticleRowFragment } from '@parley/web/desk/admin/data-access';
import { ArticlePages } from './article-pages';

/** Admins: every knowledge-base article, with links to edit it and a two-step delete. */
@Component({
  selector: 'parley-desk-articles',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  styleUrls: ['./admin.css', './admin-table.css'],
  template: `
    <main class="screen" aria-labelledby="articles-heading">
      <h1 id="articles-heading" tabindex="-1" i18n="@@desk.articles.heading">Knowledge-base articles</h1>
      <p class="actions">
        <a class="button button--primary button--sm" routerLink="/admin/articles/new" i18n="@@desk.articles.new">New article</a>
        @if (pages.total() !== null) {
          <span class="muted" i18n="@@desk.articles.count">{{ pages.total() }} articles</span>
        }
      </p>
      @if (pages.notice(); as text) {
        <p class="notice" role="alert">{{ text }}</p>
      }
      <p class="visually-hidden" role="status">{{ status() }}</p>
      <table data-testid="articles">
        <thead>
          <tr>
            <th scope="col" i18n="@@desk.articles.title">Title</th>
            <th scope="col" i18n="@@desk.articles.tags">Tags</th>
            <th scope="col" i18n="@@desk.articles.updated">Updated</th>
            <th scope="col" i18n="@@desk.articles.actions">Actions</th>
          </tr>
        </thead>
        <tbody>
          @for (a of pages.rows(); track a.id) {
            <tr [attr.data-article]="a.title">
              <th scope="row">{{ a.title }}</th>
              <td>{{ a.tags.join(', ') }}</td>
              <td>{{ when(a.updatedAt) }}</td>
              <td class="actions">
                @if (confirming() === a.id) {
                  <button #confirm type="button" class="button button--danger button--sm" (click)="remove(a)" i18n="@@desk.articles.confirmDelete">Delete “{{ a.title }}” for good</button>
                  <button type="button" class="button button--secondary button--sm" (click)="confirming.set(null)" i18n="@@desk.articles.cancel">Keep it</button>
                } @else {
                  <a class="button button--secondary button--sm" [routerLink]="['/admin/articles', a.id]" i18n="@@desk.articles.edit">Edit “{{ a.title }}”</a>
                  <button type="button" class="button button--secondary button--sm" (click)="askDelete(a)" i18n="@@desk.articles.delete">Delete “{{ a.title }}”</button>
                }
              </td>
            </tr>
          } @empty {
            <tr><td colspan="4" class="muted" i18n="@@desk.articles.none">No article yet.</td></tr>
          }
        </tbody>
      </table>
      @if (pages.hasMore()) {
        <p><button type="button" class="button button--secondary button--sm" (click)="pages.more()" i18n="@@desk.articles.more">Show more</button></p>
      }
    </main>
  `,
})
export class ArticlesPage {
  protected readonly pages = new ArticlePages();
  private readonly deleteGql = inject(AdminDeleteArticleGQL);
  private readonly date = new Intl.DateTimeFormat(inject(LOCALE_ID), { dateStyle: 'medium', timeStyle: 'short' });
  private readonly confirmButton = viewChild<ElementRef<HTMLButtonElement>>('confirm');
  protected readonly confirming = signal<string | null>(null);
  protected readonly status = signal('');

  constructor() {
    void this.pages.reload('TITLE');
  }

  protected when(iso: string): string {
    return this.date.format(new Date(iso));
  }

  protected askDelete(article: AdminArticleRowFragment): void {
    this.confirming.set(article.id);
    // the confirmation replaces the button that had focus: focus goes to it
    setTimeout(() => this.confirmButton()?.nativeElement.focus());
  }

  protected async remove(article: AdminArticleRowFragment): Promise<void> {
    try {
      await firstValueFrom(this.deleteGql.mutate({ variables: { id: article.id } }));
      this.confirming.set(null);
      this.status.set($localize`:@@desk.articles.deleted:“${article.title}:title:” deleted.`);
      await this.pages.reload();
      document.getElementById('articles-heading')?.focus();
    } catch (e) {
      this.pages.notice.set(describeError(toAppError(e)));
    }
  }
}
