import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { catalogueDrift, messageIdsReached } from './message-ids';

describe('the message ids an app uses', () => {
  let root: string;
  const write = (files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'parley-ids-'));
    write({
      'tsconfig.base.json': JSON.stringify({ compilerOptions: { paths: { '@app/ui': ['libs/ui/index.ts'] } } }),
      'app/main.ts': "import { Page } from '@app/ui';\nimport type { Shape } from './shape';\nconst lazy = () => import('./lazy');\n",
      'app/shape.ts': 'export const shape = $localize`:@@shape.unused:Only its type is taken`;',
      'app/lazy.ts': 'export const later = $localize`:@@lazy.title:Later`;',
      'libs/ui/index.ts': "// the barrel\nexport * from './page';\nexport * from './dialog';\nexport { Badge } from './badge';\n",
      'libs/ui/page.ts': "@Component({ templateUrl: './page.html' })\nexport class Page {}",
      'libs/ui/page.html': '<h1 i18n="Heading@@page.heading">Hello</h1><button i18n-title="@@page.close" title="Close"></button>',
      'libs/ui/dialog.ts': 'export class Dialog { title = $localize`:@@dialog.title:Dialog`; }',
      'libs/ui/badge.ts': 'export class Badge { label = $localize`:@@badge.label:Badge`; }',
    });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('follows imports, lazy ones and templates; from a barrel only the modules of the names taken', () => {
    const ids = messageIdsReached(root, 'app/main.ts');
    expect([...ids.keys()].sort()).toEqual(['lazy.title', 'page.close', 'page.heading']);
    expect(ids.get('page.heading')).toBe('libs/ui/page.html');
  });

  it('reads a barrel whole when asked', () => {
    expect([...messageIdsReached(root, 'app/main.ts', 'whole').keys()].sort()).toEqual(['badge.label', 'dialog.title', 'lazy.title', 'page.close', 'page.heading']);
  });

  it('names the ids the catalogue lacks and those the code no longer uses', () => {
    const used = messageIdsReached(root, 'app/main.ts');
    expect(catalogueDrift({ 'page.heading': 'Hello', 'lazy.title': 'Later', 'old.id': 'Gone' }, used)).toEqual({
      missing: ['page.close: used in libs/ui/page.html, missing from the source catalogue (extract it again)'],
      stale: ['old.id: in the source catalogue, used nowhere in the app (extract it again)'],
    });
  });
});
