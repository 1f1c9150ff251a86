import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// The site's locale files (apps/web/public/i18n) against its extracted source (apps/web/src/locale/messages.json).
const app = join(__dirname, '../../../../../../apps/web');
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { locale: string; translations: Record<string, string> };
const placeholders = (text: string) => (text.match(/\{\$\w+\}|\{?INTERPOLATION\}?|VAR_PLURAL/g) ?? []).sort();

describe('the site translations', () => {
  const source = read(join(app, 'src/locale/messages.json')).translations;
  const files = readdirSync(join(app, 'public/i18n')).filter((f) => f.endsWith('.json'));

  it('exist for French and Arabic', () => {
    expect(files.sort()).toEqual(['ar.json', 'fr.json']);
  });

  it.each(files)('%s translates every message, keeping its placeholders', (file) => {
    const { locale, translations } = read(join(app, 'public/i18n', file));
    expect(file).toBe(`${locale}.json`);
    expect(Object.keys(translations).sort()).toEqual(Object.keys(source).sort());
    for (const [id, text] of Object.entries(source)) {
      expect([id, placeholders(translations[id])]).toEqual([id, placeholders(text)]);
      expect([id, translations[id] === text && /[a-z]{4,}/i.test(text) && !['chat.composer.label', 'chat.role.support', 'site.list.heading', 'site.conversation.title', 'site.pageTitle.conversation', 'chat.messages', 'site.announce.bot', 'site.conversation.pageTitle'].includes(id)]).toEqual([id, false]);
    }
  });
});
