import { ChangeDetectionStrategy, Component, ElementRef, LOCALE_ID, afterNextRender, inject, Injector, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { describeError, toAppError } from '@parley/web/shared/data-access';
import {
  AdminBusinessHoursGQL,
  AdminUpdateBusinessHoursGQL,
  describeBusinessHoursError,
  ISO_DAYS,
  newRow,
  rowsByDay,
  spansOf,
  timeZones,
  type AdminBusinessHoursFragment,
  type SpanProblem,
  type SpanRow,
} from '@parley/web/desk/admin/data-access';

/**
 * Admins: the team's time zone and weekly hours. Outside them the site, the
 * widget and the bot's handover tell customers when the team is back.
 */
@Component({
  selector: 'parley-desk-business-hours',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './business-hours.page.html',
  styleUrl: './admin.css',
  styles: `
    form { display: grid; gap: 1rem; }
    .zone { display: grid; gap: 0.25rem; font-weight: 600; font-size: 0.875rem; max-width: 24rem; }
    .hint { font-weight: 400; color: var(--color-muted); font-size: 0.8125rem; }
    fieldset { border: 1px solid var(--color-border); border-radius: var(--radius); padding: 0.5rem 0.75rem 0.75rem; margin: 0; }
    legend { font-weight: 700; padding: 0 0.25rem; }
    .span { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.75rem; margin: 0.375rem 0; }
    .span label { display: grid; gap: 0.125rem; font-size: 0.8125rem; }
    .day-actions { margin: 0.375rem 0 0; }
    .error { color: var(--color-danger); font-size: 0.8125rem; margin: 0; flex-basis: 100%; }
    .week { display: grid; gap: 0.5rem; }
  `,
})
export class BusinessHoursPage {
  private readonly hoursGql = inject(AdminBusinessHoursGQL);
  private readonly updateGql = inject(AdminUpdateBusinessHoursGQL);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  private readonly weekday = new Intl.DateTimeFormat(inject(LOCALE_ID), { weekday: 'long', timeZone: 'UTC' });

  protected readonly isoDays = ISO_DAYS;
  protected readonly browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  protected readonly state = signal<'loading' | 'ready' | 'saving'>('loading');
  protected readonly timeZone = signal('UTC');
  protected readonly zones = signal<string[]>(timeZones('UTC'));
  protected readonly days = signal<Map<number, SpanRow[]>>(rowsByDay([]));
  protected readonly problems = signal<SpanProblem[]>([]);
  protected readonly notice = signal<string | null>(null);
  protected readonly status = signal('');

  constructor() {
    void this.load();
  }

  /** "Monday" (in the desk's language) for ISO day 1: 2024-01-01 was a Monday. */
  protected dayName(day: number): string {
    return this.weekday.format(new Date(Date.UTC(2024, 0, day)));
  }

  protected rows(day: number): SpanRow[] {
    return this.days().get(day) ?? [];
  }

  protected problemOf(day: number, key: number): string | null {
    const found = this.problems().find((p) => p.day === day && p.key === key);
    if (!found) return null;
    switch (found.problem) {
      case 'time':
        return $localize`:@@desk.hours.problemTime:Enter both times.`;
      case 'order':
        return $localize`:@@desk.hours.problemOrder:These hours must close after they open.`;
      default:
        return $localize`:@@desk.hours.problemOverlap:These hours overlap other hours of the same day.`;
    }
  }

  protected chooseZone(event: Event): void {
    this.timeZone.set((event.target as HTMLSelectElement).value);
  }

  protected useBrowserZone(): void {
    this.zones.set(timeZones(this.browserZone));
    this.timeZone.set(this.browserZone);
    this.status.set($localize`:@@desk.hours.zoneChosen:Time zone set to ${this.browserZone}:zone:.`);
  }

  protected typed(day: number, key: number, field: 'opens' | 'closes', event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this.updateDay(day, (rows) => rows.map((r) => (r.key === key ? { ...r, [field]: value } : r)));
  }

  /** A new span (9 to 5, or from the day's last closing time), its first time field focused. */
  protected add(day: number): void {
    const last = this.rows(day).at(-1);
    const row = last ? newRow(last.closes, '') : newRow();
    this.updateDay(day, (rows) => [...rows, row]);
    this.focusAfterRender(`#opens-${row.key}`);
  }

  /** Removes a span; focus goes to the day's "Add hours" button (the removed row's buttons are gone). */
  protected remove(day: number, key: number): void {
    this.updateDay(day, (rows) => rows.filter((r) => r.key !== key));
    this.problems.update((list) => list.filter((p) => p.key !== key));
    this.status.set($localize`:@@desk.hours.removed:Hours removed from ${this.dayName(day)}:day:.`);
    this.focusAfterRender(`#add-${day}`);
  }

  protected async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const { spans, problems } = spansOf(this.days());
    this.problems.set(problems);
    if (problems.length) {
      this.notice.set($localize`:@@desk.hours.fix:Some hours need a fix: see the days marked below.`);
      this.focusAfterRender('[aria-invalid="true"]');
      return;
    }
    this.notice.set(null);
    this.state.set('saving');
    try {
      const result = await firstValueFrom(this.updateGql.mutate({ variables: { input: { timeZone: this.timeZone(), weekly: spans } } }));
      const saved = result.data?.updateBusinessHours.businessHours;
      if (saved) this.show(saved);
      this.status.set(
        spans.length ? $localize`:@@desk.hours.saved:Business hours saved.` : $localize`:@@desk.hours.savedAlways:Saved: with no hours set, the team always counts as open.`,
      );
    } catch (e) {
      this.notice.set(describeBusinessHoursError(toAppError(e)));
    } finally {
      this.state.set('ready');
    }
  }

  private async load(): Promise<void> {
    try {
      const result = await firstValueFrom(this.hoursGql.fetch({ fetchPolicy: 'network-only' }));
      const hours = result.data?.teamSettings.businessHours;
      if (hours) this.show(hours);
    } catch (e) {
      this.notice.set(describeError(toAppError(e)));
    } finally {
      this.state.set('ready');
    }
  }

  private show(hours: AdminBusinessHoursFragment): void {
    this.zones.set(timeZones(hours.timeZone));
    this.timeZone.set(hours.timeZone);
    this.days.set(rowsByDay(hours.weekly));
    this.problems.set([]);
  }

  private updateDay(day: number, change: (rows: SpanRow[]) => SpanRow[]): void {
    this.days.update((days) => new Map(days).set(day, change(days.get(day) ?? [])));
  }

  private focusAfterRender(selector: string): void {
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>(selector)?.focus(), { injector: this.injector });
  }
}
