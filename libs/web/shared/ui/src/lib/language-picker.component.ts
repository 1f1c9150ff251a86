import { ChangeDetectionStrategy, Component, InjectionToken, inject, input } from '@angular/core';
import { LANGUAGE_NAMES, rememberLocale } from '@parley/web/shared/util';

let nextId = 0;

/** The languages an app has translations for, its source language first: the site's unless the app provides its own (the desk's main.ts). */
export const APP_LOCALES = new InjectionToken<readonly string[]>('APP_LOCALES', { factory: () => ['en', 'fr', 'ar'] });

/**
 * The page's language: each listed by its own name. Translations load before
 * the app starts, so a choice is remembered and the page loads again in it.
 */
@Component({
  selector: 'parley-language-picker',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label class="visually-hidden" [for]="id" i18n="@@language.label">Language</label>
    <select [id]="id" class="picker" (change)="choose($any($event.target).value)">
      @for (code of locales(); track code) {
        <option [value]="code" [attr.lang]="code" [selected]="code === current">{{ names[code] ?? code }}</option>
      }
    </select>
  `,
  styles: `
    .picker { font: inherit; font-size: 0.875rem; padding-block: 0.25rem; padding-inline: 0.5rem; border: 1px solid var(--color-border, #d0d5dd); border-radius: 0.375rem; background: var(--color-surface, #fff); color: inherit; }
  `,
})
export class LanguagePickerComponent {
  /** The languages the app has translations for. */
  readonly locales = input<readonly string[]>(inject(APP_LOCALES));
  protected readonly id = `language-picker-${++nextId}`;
  protected readonly names = LANGUAGE_NAMES;
  protected readonly current = typeof document === 'undefined' ? 'en' : document.documentElement.lang || 'en';

  protected choose(locale: string): void {
    rememberLocale(locale);
    location.reload();
  }
}
