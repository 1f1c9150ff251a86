/** Locales written right to left (by primary language). */
const RTL = new Set(['ar', 'he', 'fa', 'ur']);

/**
 * The first of `wanted` (a setting, then the browser's languages) that the
 * app has translations for, matched on the primary language ("fr-CA" is
 * "fr"); the first supported locale (the source language) otherwise.
 */
export function pickLocale(wanted: readonly (string | null | undefined)[], supported: readonly string[]): string {
  for (const tag of wanted) {
    const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
    if (primary && supported.includes(primary)) return primary;
  }
  return supported[0];
}

export function textDirection(locale: string): 'rtl' | 'ltr' {
  return RTL.has(locale.toLowerCase().split(/[-_]/)[0]) ? 'rtl' : 'ltr';
}

/** The translations file of a locale as Angular's extract-i18n writes it (JSON format). */
export interface TranslationFile {
  locale: string;
  translations: Record<string, string>;
}

/**
 * Reads `<base>/<locale>.json` before the app starts (runtime translation:
 * every `$localize` string and i18n template is translated once loaded) and
 * sets the page's language and direction. The source language needs no file;
 * a file that cannot be read leaves the app in the source language.
 */
export async function loadLocale(locale: string, source: string, base: string, load: (translations: Record<string, string>) => void): Promise<string> {
  let applied = source;
  if (locale !== source) {
    try {
      const response = await fetch(`${base}${locale}.json`);
      if (response.ok) {
        load(((await response.json()) as TranslationFile).translations);
        applied = locale;
      }
    } catch {
      // stays in the source language
    }
  }
  document.documentElement.lang = applied;
  document.documentElement.dir = textDirection(applied);
  return applied;
}

/** Each language by its own name, as a language menu lists them. */
export const LANGUAGE_NAMES: Readonly<Partial<Record<string, string>>> = { en: 'English', fr: 'Français', ar: 'العربية' };

/** Where a person's choice of language is kept (this browser, every tab). */
export const LOCALE_CHOICE_KEY = 'parley.locale';

/** The language the person chose in this browser, if any. */
export function chosenLocale(storage: Storage | null = safeLocalStorage()): string | null {
  try {
    return storage?.getItem(LOCALE_CHOICE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Remembers a choice of language (the app applies it when it next starts). */
export function rememberLocale(locale: string, storage: Storage | null = safeLocalStorage()): void {
  try {
    storage?.setItem(LOCALE_CHOICE_KEY, locale);
  } catch {
    // storage off: the choice lasts until the page is left
  }
}

function safeLocalStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
