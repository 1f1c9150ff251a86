import { ChangeDetectionStrategy, Component, LOCALE_ID, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { describeError, toAppError } from '@parley/web/shared/data-access';
import {
  AdminTeamReportGQL,
  browserTimeZone,
  lastDays,
  reportRange,
  toMinutes,
  type AdminTeamReportQuery,
  type RangeProblem,
} from '@parley/web/desk/admin/data-access';
import { ReportChartComponent, type ChartSeries } from './report-chart.component';

type Report = AdminTeamReportQuery['teamReport'];
type Day = Report['days'][number];

const BLUE = '#4338ca';
const GREEN = '#15803d';
const AMBER = '#b45309';

/** Admins: the team's figures over a range of days, as charts with a table for each. */
@Component({
  selector: 'parley-desk-reports',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReportChartComponent],
  templateUrl: './reports.page.html',
  styleUrls: ['./admin.css', './reports.page.css'],
})
export class ReportsPage {
  /** The first and last day shown (YYYY-MM-DD, both included), from the address: ?from=…&to=… */
  readonly from = input<string | undefined>();
  readonly to = input<string | undefined>();

  private readonly reportGql = inject(AdminTeamReportGQL);
  private readonly router = inject(Router);
  private readonly locale = inject(LOCALE_ID);
  private readonly week = lastDays(new Date(), 7);
  protected readonly first = computed(() => this.from() ?? this.week.first);
  protected readonly last = computed(() => this.to() ?? this.week.last);
  protected readonly report = signal<Report | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly status = signal('');

  private readonly number = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 2 });
  private readonly minutes = new Intl.NumberFormat(this.locale, { style: 'unit', unit: 'minute', unitDisplay: 'short', maximumFractionDigits: 1 });
  private readonly dayLabel = new Intl.DateTimeFormat(this.locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  private readonly longDay = new Intl.DateTimeFormat(this.locale, { dateStyle: 'full', timeZone: 'UTC' });

  protected readonly labels = computed(() => (this.report()?.days ?? []).map((d) => this.dayLabel.format(new Date(`${d.date}T00:00:00Z`))));
  protected readonly chatSeries = computed<ChartSeries[]>(() => {
    const days = this.report()?.days ?? [];
    return [
      { label: $localize`:@@desk.reports.created:Chats created`, data: days.map((d) => d.chatsCreated), color: BLUE },
      { label: $localize`:@@desk.reports.closed:Chats closed`, data: days.map((d) => d.chatsClosed), color: GREEN },
    ];
  });
  protected readonly timeSeries = computed<ChartSeries[]>(() => {
    const days = this.report()?.days ?? [];
    return [
      { label: $localize`:@@desk.reports.firstResponse:Median first response`, data: days.map((d) => toMinutes(d.medianFirstResponseSeconds)), color: BLUE },
      { label: $localize`:@@desk.reports.resolution:Median resolution`, data: days.map((d) => toMinutes(d.medianResolutionSeconds)), color: AMBER },
    ];
  });
  protected readonly ratingSeries = computed<ChartSeries[]>(() => {
    const days = this.report()?.days ?? [];
    return [{ label: $localize`:@@desk.reports.averageRating:Average rating`, data: days.map((d) => d.averageRating), color: GREEN }];
  });
  protected readonly chatSummary = computed(() => {
    const r = this.report();
    if (!r) return '';
    const busiest = r.days.reduce<Day | null>((best, d) => (d.chatsCreated > (best?.chatsCreated ?? 0) ? d : best), null);
    const total = $localize`:@@desk.reports.chatSummary:Chats per day: ${r.chatsCreated}:created: created and ${r.chatsClosed}:closed: closed over ${r.days.length}:days: days.`;
    return busiest ? `${total} ${$localize`:@@desk.reports.busiest:Busiest day: ${this.longDay.format(new Date(`${busiest.date}T00:00:00Z`))}:day: with ${busiest.chatsCreated}:count: chats.`}` : total;
  });
  protected readonly timeSummary = computed(() => {
    const r = this.report();
    if (!r) return '';
    return $localize`:@@desk.reports.timeSummary:Response times per day, in minutes. Over the range: median first response ${this.duration(r.medianFirstResponseSeconds)}:firstResponse:, median resolution ${this.duration(r.medianResolutionSeconds)}:resolution:.`;
  });
  protected readonly ratingSummary = computed(() => {
    const r = this.report();
    if (!r) return '';
    return $localize`:@@desk.reports.ratingSummary:Average rating per day, 1 to 5. Over the range: ${this.rating(r.averageRating)}:average: from ${r.ratings}:ratings: ratings.`;
  });
  protected readonly minutesTitle = $localize`:@@desk.reports.minutesAxis:Minutes`;
  protected readonly chatsTitle = $localize`:@@desk.reports.chatsAxis:Chats`;
  protected readonly ratingTitle = $localize`:@@desk.reports.ratingAxis:Rating`;

  constructor() {
    effect(() => {
      const [first, last] = [this.first(), this.last()];
      untracked(() => void this.load(first, last));
    });
  }

  protected apply(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.show(String(data.get('from') ?? ''), String(data.get('to') ?? ''));
  }

  protected preset(days: number): void {
    const range = lastDays(new Date(), days);
    this.show(range.first, range.last);
  }

  protected duration(seconds: number | null): string {
    const minutes = toMinutes(seconds);
    return minutes === null ? '—' : this.minutes.format(minutes);
  }

  protected rating(value: number | null): string {
    return value === null ? '—' : this.number.format(value);
  }

  protected dayName(day: Day): string {
    return this.longDay.format(new Date(`${day.date}T00:00:00Z`));
  }

  private show(first: string, last: string): void {
    const range = reportRange(first, last);
    if ('problem' in range) {
      this.notice.set(problemText(range.problem));
      return;
    }
    void this.router.navigate([], { queryParams: { from: first, to: last }, queryParamsHandling: 'merge' });
  }

  private async load(first: string, last: string): Promise<void> {
    const range = reportRange(first, last);
    if ('problem' in range) {
      this.notice.set(problemText(range.problem));
      return;
    }
    this.notice.set(null);
    this.status.set($localize`:@@desk.reports.loading:Loading the report…`);
    try {
      const result = await firstValueFrom(this.reportGql.fetch({ variables: { ...range, timeZone: browserTimeZone() }, fetchPolicy: 'network-only' }));
      this.report.set(result.data?.teamReport ?? null);
      this.status.set($localize`:@@desk.reports.loaded:Report for ${first}:from: to ${last}:to: shown.`);
    } catch (e) {
      this.status.set('');
      this.notice.set(describeError(toAppError(e)));
    }
  }
}

function problemText(problem: RangeProblem): string {
  switch (problem) {
    case 'order':
      return $localize`:@@desk.reports.order:The last day must not come before the first.`;
    case 'tooLong':
      return $localize`:@@desk.reports.tooLong:A report covers at most 366 days.`;
    default:
      return $localize`:@@desk.reports.invalid:Enter both days as dates.`;
  }
}
