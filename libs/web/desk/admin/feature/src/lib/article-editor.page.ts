import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { describeError, toAppError } from '@parley/web/shared/data-access';
import { renderArticleMarkdown } from '@parley/web/help/util';
import { AdminArticleGQL, AdminCreateArticleGQL, AdminUpdateArticleGQL } from '@parley/web/desk/admin/data-access';

/** The API's article limits (ArticleInput). */
const TITLE_MAX = 200;
const BODY_MAX = 20_000;

/**
 * Admins: writes a new article (/admin/articles/new) or edits one
 * (/admin/articles/:id), in markdown, with a live preview rendered exactly as
 * the help center renders articles (the same safe markdown subset).
 */
@Component({
  selector: 'parley-desk-article-editor',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  templateUrl: './article-editor.page.html',
  styleUrls: ['./admin.css', './article-editor.page.css'],
})
export class ArticleEditorPage {
  /** The article's id from the address; absent for a new one. */
  readonly id = input<string | undefined>();

  private readonly articleGql = inject(AdminArticleGQL);
  private readonly createGql = inject(AdminCreateArticleGQL);
  private readonly updateGql = inject(AdminUpdateArticleGQL);
  private readonly router = inject(Router);
  protected readonly titleMax = TITLE_MAX;
  protected readonly bodyMax = BODY_MAX;
  protected readonly title = signal('');
  protected readonly tags = signal('');
  protected readonly body = signal('');
  protected readonly state = signal<'loading' | 'ready' | 'missing' | 'saving'>('ready');
  protected readonly notice = signal<string | null>(null);
  protected readonly status = signal('');
  protected readonly preview = computed(() => renderArticleMarkdown(this.body()));

  constructor() {
    // Follows the id alone: what load() reads and writes must not run it again.
    effect(() => {
      const id = this.id();
      if (id && id !== 'new') untracked(() => void this.load(id));
    });
  }

  protected async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const input = {
      title: this.title().trim(),
      body: this.body().trim(),
      tags: this.tags().split(',').map((t) => t.trim()).filter(Boolean),
    };
    if (!input.title || !input.body) {
      this.notice.set($localize`:@@desk.editor.required:An article needs a title and some text.`);
      return;
    }
    this.notice.set(null);
    this.state.set('saving');
    const id = this.id();
    try {
      if (id && id !== 'new') {
        await firstValueFrom(this.updateGql.mutate({ variables: { id, input } }));
        this.status.set($localize`:@@desk.editor.saved:Saved.`);
      } else {
        const result = await firstValueFrom(this.createGql.mutate({ variables: { input } }));
        const created = result.data?.createArticle.id;
        this.status.set($localize`:@@desk.editor.created:Article created.`);
        if (created) await this.router.navigate(['/admin/articles', created], { replaceUrl: true });
      }
    } catch (e) {
      this.notice.set(describeError(toAppError(e)));
    } finally {
      if (this.state() === 'saving') this.state.set('ready');
    }
  }

  protected typed(field: 'title' | 'tags' | 'body', event: Event): void {
    this[field].set((event.target as HTMLInputElement | HTMLTextAreaElement).value);
  }

  private async load(id: string): Promise<void> {
    // Already showing it (the address changed from /new to the created article's id): keep what is typed.
    if (this.state() === 'saving') return;
    this.state.set('loading');
    try {
      const result = await firstValueFrom(this.articleGql.fetch({ variables: { id }, fetchPolicy: 'network-only' }));
      const article = result.data?.article;
      if (!article) {
        this.state.set('missing');
        return;
      }
      this.title.set(article.title);
      this.tags.set(article.tags.join(', '));
      this.body.set(article.body);
      this.state.set('ready');
    } catch (e) {
      this.state.set('ready');
      this.notice.set(describeError(toAppError(e)));
    }
  }
}
