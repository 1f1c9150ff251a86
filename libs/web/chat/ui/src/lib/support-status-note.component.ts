import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** What supportStatus says (the ui knows it only by shape). */
export interface SupportStatusView {
  anyoneOnline: boolean;
  withinBusinessHours: boolean;
  /** ISO date-time; null within business hours or when none are set. */
  nextOpening: string | null;
}

/** When the team is back, in the page's language and the reader's own time zone: "Monday 9:00 AM". */
export function openingWords(iso: string, locale = document.documentElement.lang || 'en'): string {
  const at = new Date(iso);
  const sameDay = new Date().toDateString() === at.toDateString();
  return new Intl.DateTimeFormat(locale, sameDay ? { hour: 'numeric', minute: '2-digit' } : { weekday: 'long', hour: 'numeric', minute: '2-digit' }).format(at);
}

/** The note that nobody can answer now (outside business hours, or nobody online); nothing while someone can. */
export function supportStatusWords(status: SupportStatusView | null): string | null {
  if (!status) return null;
  if (!status.withinBusinessHours) {
    return status.nextOpening
      ? $localize`:@@support.closedUntil:Our team is away right now. We’re back ${openingWords(status.nextOpening)}:opening:.`
      : $localize`:@@support.closed:Our team is away right now.`;
  }
  if (!status.anyoneOnline) return $localize`:@@support.nobodyOnline:Nobody from our team is online right now.`;
  return null;
}

@Component({
  selector: 'parley-support-status-note',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (words(); as text) {
      <p class="note" data-testid="support-status">
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 5v5.4l4 2.4-.8 1.3L11 13V7z" /></svg>
        <span>{{ text }}</span>
      </p>
    }
  `,
  styles: `
    :host { display: block; }
    .note { display: flex; align-items: flex-start; gap: 0.5rem; margin: 0; padding: 0.625rem 0.75rem; border-radius: var(--radius); background: var(--color-warning-bg); color: var(--color-warning-text); font-size: 0.875rem; }
    svg { flex: none; margin-block-start: 0.0625rem; }
  `,
})
export class SupportStatusNoteComponent {
  readonly status = input<SupportStatusView | null>(null);
  protected readonly words = computed(() => supportStatusWords(this.status()));
}
