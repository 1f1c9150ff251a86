import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonTranslations, translationProblems, xliffTranslations, type TranslationRules } from './translations';

const unit = (id: string, source: string, target?: string) =>
  `<trans-unit id="${id}" datatype="html"><source>${source}</source>${target === undefined ? '' : `<target state="translated">${target}</target>`}</trans-unit>`;
const xliff = (locale: string | null, units: string[]) =>
  `<?xml version="1.0" encoding="UTF-8" ?><xliff version="1.2"><file source-language="en"${locale ? ` target-language="${locale}"` : ''}><body>${units.join('')}</body></file></xliff>`;

const xlfRules: TranslationRules = { app: 'a test app', files: ['messages.fr.xlf'], localeOf: (f) => f.replace(/^messages\.(.+)\.xlf$/, '$1') };
const jsonRules: TranslationRules = { app: 'a test app', files: ['fr.json'], localeOf: (f) => f.replace(/\.json$/, ''), sameAsSource: ['app.name'] };

describe('the translations check', () => {
  let app: string;
  beforeEach(() => {
    app = mkdtempSync(join(tmpdir(), 'parley-i18n-'));
  });
  afterEach(() => rmSync(app, { recursive: true, force: true }));

  const writeXliff = (source: string[], french: string[]) => {
    mkdirSync(join(app, 'src/locale'), { recursive: true });
    writeFileSync(join(app, 'src/locale/messages.xlf'), xliff(null, source));
    writeFileSync(join(app, 'src/locale/messages.fr.xlf'), xliff('fr', french));
    const { source: messages, catalogues } = xliffTranslations(app);
    return translationProblems(messages, catalogues[0], xlfRules);
  };

  it('passes an XLIFF translation that has every unit, its placeholders moved but all there', () => {
    const greet = 'Hello <x id="name" equiv-text="user.name"/>, you have <x id="count"/> chats';
    const bonjour = 'Vous avez <x id="count"/> conversations, <x id="name" equiv-text="user.name"/>';
    expect(writeXliff([unit('greet', greet)], [unit('greet', greet, bonjour)])).toEqual([]);
  });

  it('names an XLIFF unit that is missing, has no target, an empty one, or is still English', () => {
    const source = [unit('a', 'Sign in'), unit('b', 'Sign out'), unit('c', 'Reports'), unit('d', 'Chats &amp; files')];
    const french = [unit('b', 'Sign out'), unit('c', 'Reports', ' '), unit('d', 'Chats &amp; files', 'Chats &amp; files')];
    expect(writeXliff(source, french)).toEqual([
      'a: not translated ("Sign in")',
      'b: not translated ("Sign out")',
      'c: not translated ("Reports")',
      'd: still the English ("Chats & files")',
    ]);
  });

  it('names a dropped or added placeholder, an ICU plural left out, and a unit the source no longer has', () => {
    const plural = '{VAR_PLURAL, plural, =1 {one chat} other {<x id="INTERPOLATION"/> chats}}';
    const french = [unit('typing', '<x id="name"/> is typing', 'Quelqu’un écrit'), unit('count', plural, 'Des conversations'), unit('gone', 'Gone', 'Parti')];
    expect(writeXliff([unit('typing', '<x id="name"/> is typing'), unit('count', plural)], french)).toEqual([
      'typing: placeholders none where the source has {$name}',
      'count: placeholders none where the source has VAR_PLURAL {$INTERPOLATION}',
      'gone: no longer in the source',
    ]);
  });

  it('reads JSON catalogues, the locale each declares and the messages allowed to stay as they are', () => {
    mkdirSync(join(app, 'src/locale'), { recursive: true });
    mkdirSync(join(app, 'public/i18n'), { recursive: true });
    const source = { 'app.name': 'Parley', 'app.hello': 'Hello {$INTERPOLATION}', 'app.bye': 'Goodbye' };
    writeFileSync(join(app, 'src/locale/messages.json'), JSON.stringify({ locale: 'en-US', translations: source }));
    writeFileSync(join(app, 'public/i18n/fr.json'), JSON.stringify({ locale: 'ar', translations: { 'app.name': 'Parley', 'app.hello': 'Bonjour', 'app.bye': 'Au revoir' } }));
    const read = jsonTranslations(app);
    expect(read.catalogues.map((c) => c.file)).toEqual(['fr.json']);
    expect(translationProblems(read.source, read.catalogues[0], jsonRules)).toEqual([
      'declares the locale "ar", not "fr"',
      'app.hello: placeholders none where the source has {$INTERPOLATION}',
    ]);
  });
});
