import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonTranslations, translationProblems, type TranslationRules } from './translations';

const rules: TranslationRules = { app: 'a test app', files: ['fr.json'], localeOf: (f) => f.replace(/\.json$/, ''), sameAsSource: ['app.name'] };

describe('the translations check', () => {
  let app: string;
  beforeEach(() => {
    app = mkdtempSync(join(tmpdir(), 'parley-i18n-'));
  });
  afterEach(() => rmSync(app, { recursive: true, force: true }));

  /** Writes an app's source catalogue and its French (as extract-i18n and a translator write them), and checks the French. */
  const check = (source: Record<string, string>, french: Record<string, string>, locale = 'fr') => {
    mkdirSync(join(app, 'src/locale'), { recursive: true });
    mkdirSync(join(app, 'public/i18n'), { recursive: true });
    writeFileSync(join(app, 'src/locale/messages.json'), JSON.stringify({ locale: 'en-US', translations: source }));
    writeFileSync(join(app, 'public/i18n/fr.json'), JSON.stringify({ locale, translations: french }));
    const read = jsonTranslations(app);
    expect(read.catalogues.map((c) => c.file)).toEqual(['fr.json']);
    return translationProblems(read.source, read.catalogues[0], rules);
  };

  it('passes a translation that has every message, its placeholders moved but all there', () => {
    const source = { greet: 'Hello {$name}, you have {$count} chats', 'app.name': 'Parley', keys: 'Press {$START_TAG_KBD}?{$CLOSE_TAG_KBD}' };
    const french = { greet: 'Vous avez {$count} conversations, {$name}', 'app.name': 'Parley', keys: 'Appuyez sur {$START_TAG_KBD}?{$CLOSE_TAG_KBD}' };
    expect(check(source, french)).toEqual([]);
  });

  it('names a message that is missing, empty, or still English, and the locale the file declares if it is not its own', () => {
    const source = { 'app.name': 'Parley', a: 'Sign in', b: 'Reports', c: 'Chats & files' };
    const french = { 'app.name': 'Parley', b: ' ', c: 'Chats & files' };
    expect(check(source, french, 'ar')).toEqual([
      'declares the locale "ar", not "fr"',
      'a: not translated ("Sign in")',
      'b: not translated ("Reports")',
      'c: still the English ("Chats & files")',
    ]);
  });

  it('names a dropped or added placeholder, an ICU plural left out, and a message the source no longer has', () => {
    const plural = '{VAR_PLURAL, plural, =1 {one chat} other {{INTERPOLATION} chats}}';
    const source = { typing: '{$name} is typing', count: plural, hello: 'Hello' };
    const french = { typing: 'Quelqu’un écrit', count: 'Des conversations', hello: 'Bonjour {$name}', gone: 'Parti' };
    expect(check(source, french)).toEqual([
      'typing: placeholders none where the source has {$name}',
      'count: placeholders none where the source has VAR_PLURAL {INTERPOLATION}',
      'hello: placeholders {$name} where the source has none',
      'gone: no longer in the source',
    ]);
  });
});
