import { ChangeDetectionStrategy, Component, Injector, afterNextRender, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Title } from '@angular/platform-browser';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { HelpArticleGQL, RateArticleGQL, helpBrowserToken, type HelpArticleQuery } from '@parley/web/help/data-access';
import { renderArticleMarkdown } from '@parley/web/help/util';

type Article = NonNullable<HelpArticleQuery['article']>;

/** /help/articles/:id: one article, its markdown rendered and sanitized (see article-markdown.ts). */
@Component({
  selector: 'parley-help-article',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  templateUrl: './help-article.page.html',
  styleUrl: './help.css',
})
export class HelpArticlePage {
  private readonly articles = inject(HelpArticleGQL);
  private readonly title = inject(Title);
  protected readonly article = signal<Article | null>(null);
  protected readonly html = signal('');
  protected readonly state = signal<'loading' | 'ready' | 'missing' | 'failed'>('loading');
  private readonly rate = inject(RateArticleGQL);
  private readonly injector = inject(Injector);
  /** "Did this help?": what this reader answered, and whether it was stored. */
  protected readonly answer = signal<'idle' | 'sending' | 'thanks' | 'failed'>('idle');

  constructor() {
    inject(ActivatedRoute)
      .paramMap.pipe(takeUntilDestroyed())
      .subscribe((params) => void this.load(params.get('id') ?? ''));
  }

  private async load(id: string): Promise<void> {
    this.state.set('loading');
    this.answer.set('idle');
    try {
      const result = await firstValueFrom(this.articles.fetch({ variables: { id }, fetchPolicy: 'network-only' }));
      if (result.data === undefined) throw result.error ?? new Error('article failed');
      const article = (result.data.article ?? null) as Article | null;
      this.article.set(article);
      this.html.set(article ? renderArticleMarkdown(article.body) : '');
      this.state.set(article ? 'ready' : 'missing');
      this.title.setTitle(article ? $localize`:@@help.articleTitle:${article.title}:title: · Parley help` : $localize`:@@help.missingTitle:Article not found · Parley help`);
    } catch {
      this.state.set('failed');
    }
  }

  protected async helped(helpful: boolean): Promise<void> {
    const article = this.article();
    if (!article || this.answer() === 'sending') return;
    this.answer.set('sending');
    try {
      const result = await firstValueFrom(this.rate.mutate({ variables: { articleId: article.id, helpful, browserToken: helpBrowserToken() } }));
      this.answer.set(result.data?.rateArticle ? 'thanks' : 'failed');
      // The buttons are gone: keyboard focus moves to the thanks rather than to the page's start.
      if (this.answer() === 'thanks') afterNextRender(() => document.getElementById('feedback-thanks')?.focus(), { injector: this.injector });
    } catch {
      this.answer.set('failed');
    }
  }
}
