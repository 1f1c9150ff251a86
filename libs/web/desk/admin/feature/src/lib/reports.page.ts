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
import { ReportFigureComponent, type ReportFigure } from './report-figure.component';

type Report = AdminTeamReportQuery['teamReport'];
type Day = Report['days'][number];

const BLUE = '#4338ca';
const GREEN = '#15803d';
const AMBER = '#b45309';

/** Admins: the team's figures over a range of days, as charts with a table for each. */
@Component({
  selector: 'parley-desk-reports',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReportFigureComponent],
  templateUrl: './reports.page.html',
  styleUrls: ['./admin.css', './admin-table.css', './reports.page.css'],
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
  /** The charts, each with its table: chats, response times, ratings. */
  protected readonly figures = computed<ReportFigure[]>(() => {
    const r = this.report();
    if (!r) return [];
    const [created, closed] = [$localize`:@@desk.reports.created:Chats created`, $localize`:@@desk.reports.closed:Chats closed`];
    const [firstResponse, resolution] = [$localize`:@@desk.reports.firstResponse:Median first response`, $localize`:@@desk.reports.resolution:Median resolution`];
    const [averageRating, ratings] = [$localize`:@@desk.reports.averageRating:Average rating`, $localize`:@@desk.reports.ratings:Ratings`];
    const rows = (cells: (d: Day) => string[]) => r.days.map((d) => ({ date: d.date, day: this.dayName(d), cells: cells(d) }));
    return [
      {
        key: 'chats',
        heading: $localize`:@@desk.reports.chatsPerDay:Chats per day`,
        tableLabel: $localize`:@@desk.reports.chatsTable:Chats per day as a table`,
        kind: 'bar',
        series: [
          { label: created, data: r.days.map((d) => d.chatsCreated), color: BLUE },
          { label: closed, data: r.days.map((d) => d.chatsClosed), color: GREEN },
        ],
        summary: this.chatSummary(r),
        yTitle: $localize`:@@desk.reports.chatsAxis:Chats`,
        columns: [created, closed],
        rows: rows((d) => [String(d.chatsCreated), String(d.chatsClosed)]),
      },
      {
        key: 'times',
        heading: $localize`:@@desk.reports.times:First response and resolution times`,
        tableLabel: $localize`:@@desk.reports.timesTable:Response times as a table`,
        kind: 'line',
        series: [
          { label: firstResponse, data: r.days.map((d) => toMinutes(d.medianFirstResponseSeconds)), color: BLUE },
          { label: resolution, data: r.days.map((d) => toMinutes(d.medianResolutionSeconds)), color: AMBER },
        ],
        summary: $localize`:@@desk.reports.timeSummary:Response times per day, in minutes. Over the range: median first response ${this.duration(r.medianFirstResponseSeconds)}:firstResponse:, median resolution ${this.duration(r.medianResolutionSeconds)}:resolution:.`,
        yTitle: $localize`:@@desk.reports.minutesAxis:Minutes`,
        columns: [firstResponse, resolution],
        rows: rows((d) => [this.duration(d.medianFirstResponseSeconds), this.duration(d.medianResolutionSeconds)]),
      },
      {
        key: 'ratings',
        heading: $localize`:@@desk.reports.ratingsHeading:Ratings`,
        tableLabel: $localize`:@@desk.reports.ratingsTable:Ratings as a table`,
        kind: 'line',
        series: [{ label: averageRating, data: r.days.map((d) => d.averageRating), color: GREEN }],
        summary: $localize`:@@desk.reports.ratingSummary:Average rating per day, 1 to 5. Over the range: ${this.rating(r.averageRating)}:average: from ${r.ratings}:ratings: ratings.`,
        yTitle: $localize`:@@desk.reports.ratingAxis:Rating`,
        yMax: 5,
        columns: [averageRating, ratings],
        rows: rows((d) => [this.rating(d.averageRating), String(d.ratings)]),
      },
    ];
  });

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

  private chatSummary(r: Report): string {
    const busiest = r.days.reduce<Day | null>((best, d) => (d.chatsCreated > (best?.chatsCreated ?? 0) ? d : best), null);
    const total = $localize`:@@desk.reports.chatSummary:Chats per day: ${r.chatsCreated}:created: created and ${r.chatsClosed}:closed: closed over ${r.days.length}:days: days.`;
    return busiest ? `${total} ${$localize`:@@desk.reports.busiest:Busiest day: ${this.longDay.format(new Date(`${busiest.date}T00:00:00Z`))}:day: with ${busiest.chatsCreated}:count: chats.`}` : total;
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
