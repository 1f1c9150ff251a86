// The one check every front end's translations go through, for its unit spec (Node only: it reads files).
// The site, the desk and the widget load JSON catalogues at run time (`public/i18n/<locale>.json`).
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { catalogueDrift, messageIdsReached } from './message-ids';

export { catalogueDrift, messageIdsReached } from './message-ids';

/** The workspace's root: app folders are named from it (`apps/web`). */
const ROOT = resolve(__dirname, '../../../../../..');

/** One language's messages by id, as text with each placeholder written `{$NAME}`. */
export interface Catalogue {
  file: string;
  locale: string;
  messages: Record<string, string>;
}

export interface AppTranslations {
  /** The extracted English source. */
  source: Record<string, string>;
  /** Every translation file found. */
  catalogues: Catalogue[];
}

/** A placeholder: `{$NAME}`, an ICU plural or select's variable, or the interpolation inside one (`{INTERPOLATION}`). */
const PLACEHOLDER = /\{\$\w+\}|\{?INTERPOLATION(?:_\d+)?\}?|VAR_PLURAL|VAR_SELECT/g;

/** The placeholders a message carries, sorted (a translation may move them, not drop or add one). */
export const placeholders = (text: string) => (text.match(PLACEHOLDER) ?? []).sort();

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { locale: string; translations: Record<string, string> };

/** A front end (`apps/web`): `src/locale/messages.json` (the source, extracted) and `public/i18n/<locale>.json`. */
export function jsonTranslations(app: string): AppTranslations {
  const appDir = resolve(ROOT, app);
  const dir = join(appDir, 'public/i18n');
  return {
    source: readJson(join(appDir, 'src/locale/messages.json')).translations,
    catalogues: readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((file) => {
        const { locale, translations } = readJson(join(dir, file));
        return { file, locale, messages: translations };
      }),
  };
}

export interface TranslationRules {
  /** What the suite names: "the site", "the desk". */
  app: string;
  /** The file names expected, one a locale (`fr.json`). */
  files: string[];
  /** The locale each file must declare, from its name. */
  localeOf: (file: string) => string;
  /** Messages whose translation may read as the English (a name, a word both languages share). */
  sameAsSource?: readonly string[];
  /** The app's entry (`apps/web/src/main.ts`): its code's message ids are checked against the source catalogue. */
  entry?: string;
}

/** What is wrong with one catalogue, a line a problem: none once it translates every message and nothing else. */
export function translationProblems(source: Record<string, string>, catalogue: Catalogue, rules: TranslationRules): string[] {
  const problems: string[] = [];
  const locale = rules.localeOf(catalogue.file);
  if (catalogue.locale !== locale) problems.push(`declares the locale "${catalogue.locale}", not "${locale}"`);
  for (const [id, text] of Object.entries(source)) {
    const translated = catalogue.messages[id];
    // an empty translation counts as none
    if (translated === undefined || !translated.trim()) {
      problems.push(`${id}: not translated ("${text}")`);
      continue;
    }
    const [want, have] = [placeholders(text), placeholders(translated)];
    if (want.join() !== have.join()) problems.push(`${id}: placeholders ${have.join(' ') || 'none'} where the source has ${want.join(' ') || 'none'}`);
    const words = /[a-z]{4,}/i.test(text.replace(PLACEHOLDER, ''));
    if (translated === text && words && !(rules.sameAsSource ?? []).includes(id)) problems.push(`${id}: still the English ("${text}")`);
  }
  for (const id of Object.keys(catalogue.messages)) if (!(id in source)) problems.push(`${id}: no longer in the source`);
  return problems;
}

/**
 * The spec of an app's translations: every locale file is there, translates
 * every source message and nothing else, keeps each message's placeholders,
 * and leaves no English behind (but for the messages named).
 */
export function describeTranslations({ source, catalogues }: AppTranslations, rules: TranslationRules): void {
  describe(`${rules.app} translations`, () => {
    it(`exist for ${rules.files.join(', ')}`, () => {
      expect(catalogues.map((c) => c.file)).toEqual([...rules.files].sort());
    });

    if (rules.entry) {
      const entry = rules.entry;
      it('come from a source catalogue extracted from the code as it is', () => {
        // Missing: the ids of the modules the app takes by name (a lower bound of what its build keeps).
        // Stale: the ids of every module it reaches, whole barrels and all (an upper bound).
        const { missing } = catalogueDrift(source, messageIdsReached(ROOT, entry, 'by name'));
        const { stale } = catalogueDrift(source, messageIdsReached(ROOT, entry, 'whole'));
        expect([...missing, ...stale]).toEqual([]);
      });
    }

    it.each(catalogues)('$file translates every message, keeping its placeholders', (catalogue) => {
      expect(translationProblems(source, catalogue, rules)).toEqual([]);
    });
  });
}
