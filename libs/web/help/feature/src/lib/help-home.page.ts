import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { firstValueFrom } from 'rxjs';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { HelpSearchGQL, type HelpSearchQuery } from '@parley/web/help/data-access';

type Hit = HelpSearchQuery['searchArticles'][number];

/**
 * /help: search the knowledge base (no sign-in needed), results grouped by
 * tag, narrowed to one tag with the filter. The query and tag live in the URL
 * so a search can be shared and the back button restores it.
 */
@Component({
  selector: 'parley-help-home',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  templateUrl: './help-home.page.html',
  styleUrl: './help.css',
})
export class HelpHomePage {
  private readonly search = inject(HelpSearchGQL);
  private readonly router = inject(Router);
  private readonly params = toSignal(inject(ActivatedRoute).queryParamMap, { requireSync: true });

  protected readonly query = computed(() => (this.params().get('q') ?? '').trim());
  protected readonly tag = computed(() => this.params().get('tag') ?? '');
  protected readonly draft = signal('');
  protected readonly hits = signal<Hit[] | null>(null);
  /** Every tag of the unfiltered results: the filter's choices. */
  protected readonly tags = signal<string[]>([]);
  protected readonly untagged = $localize`:@@help.untagged:Other articles`;
  protected readonly failed = signal(false);
  protected readonly loading = signal(false);

  /** Results grouped by their first tag (untagged last), in the order the best hit of each group ranks. */
  protected readonly groups = computed(() => {
    const groups = new Map<string, Hit[]>();
    for (const hit of this.hits() ?? []) {
      const key = this.tag() || hit.article.tags[0] || '';
      groups.set(key, [...(groups.get(key) ?? []), hit]);
    }
    return [...groups].map(([tag, hits]) => ({ tag, hits })).sort((a, b) => Number(a.tag === '') - Number(b.tag === ''));
  });

  constructor() {
    // Search again whenever the URL's query or tag changes.
    inject(ActivatedRoute)
      .queryParamMap.pipe(takeUntilDestroyed())
      .subscribe(() => {
        this.draft.set(this.query());
        void this.load();
      });
  }

  protected submit(): void {
    const q = this.draft().trim();
    void this.router.navigate([], { queryParams: { q: q || null, tag: null } });
  }

  protected filter(tag: string): void {
    void this.router.navigate([], { queryParams: { q: this.query() || null, tag: tag || null } });
  }

  private async load(): Promise<void> {
    const query = this.query();
    this.failed.set(false);
    if (!query) {
      this.hits.set(null);
      this.tags.set([]);
      return;
    }
    this.loading.set(true);
    try {
      const [all, filtered] = await Promise.all([
        this.fetch(query, null),
        this.tag() ? this.fetch(query, [this.tag()]) : Promise.resolve(null),
      ]);
      this.tags.set([...new Set(all.flatMap((hit) => hit.article.tags))].sort());
      this.hits.set(filtered ?? all);
    } catch {
      this.failed.set(true);
      this.hits.set(null);
    } finally {
      this.loading.set(false);
    }
  }

  private async fetch(query: string, tags: string[] | null): Promise<Hit[]> {
    const result = await firstValueFrom(this.search.fetch({ variables: { query, first: 20, tags }, fetchPolicy: 'network-only' }));
    if (!result.data?.searchArticles) throw result.error ?? new Error('search failed');
    return result.data.searchArticles as Hit[];
  }
}
