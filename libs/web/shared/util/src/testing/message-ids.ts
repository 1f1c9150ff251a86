// Which message ids an app's code uses, read from its files (Node only), so a spec can tell when the committed
// source catalogue no longer matches the code without running the extraction (a full build, minutes).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** An import or export-from: what it names (`{ a, type B }`, `* as ns`, a default) and from where. */
const STATIC_IMPORTS = /\b(import|export)\s+(type\s+)?([^'"`;]*?)\s*from\s*['"]([^'"]+)['"]/g;
/** A lazy import or a side-effect import: the whole module. */
const WHOLE_IMPORTS = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]/g;
/** A component's template file. */
const TEMPLATE = /templateUrl\s*:\s*['"]([^'"]+)['"]/g;
/** An explicit message id, in a template (`i18n="@@id"`, `i18n-title="…@@id"`) or a `$localize` string (`:@@id:`). */
const MESSAGE_ID = /@@([\w.-]+)/g;

/** The workspace's path aliases (`@parley/…` to a file), from tsconfig.base.json. */
function aliases(root: string): Map<string, string> {
  const config = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  return new Map(Object.entries(config.compilerOptions.paths).map(([name, [file]]) => [name, resolve(root, file)]));
}

const isFile = (file: string) => existsSync(file) && statSync(file).isFile();

/** The workspace file a module name stands for (an alias, or `./x` as x.ts or x/index.ts), or null for a package's module. */
function resolveModule(from: string, name: string, paths: Map<string, string>): string | null {
  const aliased = paths.get(name);
  if (aliased) return aliased;
  if (!name.startsWith('.')) return null;
  const base = resolve(dirname(from), name);
  return [`${base}.ts`, join(base, 'index.ts'), base].find(isFile) ?? null;
}

/** One module a file uses: the names it takes (values only), or null for all of it. */
interface Use {
  module: string;
  names: string[] | null;
}

/** The value names of `{ a, b as c, type D }` (a and b), or null for `* as ns`, `*` and a default import. */
function namesOf(clause: string): string[] | null {
  const braces = /\{([^}]*)\}/.exec(clause);
  if (!braces || clause.replace(braces[0], '').replace(/,/g, '').trim()) return null;
  return braces[1]
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part && !part.startsWith('type '))
    .map((part) => part.split(/\s+as\s+/)[0]);
}

function usesOf(text: string): Use[] {
  const uses: Use[] = [];
  for (const [, , typeOnly, clause, module] of text.matchAll(STATIC_IMPORTS)) if (!typeOnly) uses.push({ module, names: namesOf(clause) });
  for (const [, lazy, bare] of text.matchAll(WHOLE_IMPORTS)) uses.push({ module: lazy ?? bare, names: null });
  return uses;
}

/** A barrel: a file that only passes on other modules' exports (`export … from`), whose modules the bundler keeps only when used. */
const isBarrel = (text: string) =>
  text
    .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
    .replace(STATIC_IMPORTS, '')
    .replace(/;/g, '')
    .trim() === '';

/** Whether a file declares an exported value of that name. */
const declares = (text: string, name: string) =>
  new RegExp(`\\bexport\\s+(?:declare\\s+)?(?:abstract\\s+)?(?:class|function\\*?|const|let|var|enum)\\s+${name}\\b`).test(text) ||
  new RegExp(`\\bexport\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*;`).test(text);

/**
 * The explicit message ids of every file the app's entry reaches through the
 * workspace's own imports (static and lazy) and components' templates, each
 * with the first file (relative to `root`) that uses it. From a barrel only
 * the modules of the names taken count, as the build keeps no other; specs
 * are not reached, since no app file imports one.
 */
export function messageIdsReached(root: string, entry: string, barrels: 'by name' | 'whole' = 'by name'): Map<string, string> {
  const paths = aliases(root);
  const ids = new Map<string, string>();
  const read = new Map<string, string>();
  const text = (file: string) => {
    const known = read.get(file);
    if (known !== undefined) return known;
    const fresh = readFileSync(file, 'utf8');
    read.set(file, fresh);
    return fresh;
  };
  const whole = new Set<string>();
  const taken = new Set<string>();
  const queue: { file: string; names: string[] | null }[] = [{ file: resolve(root, entry), names: null }];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const { file } = next;
    if (whole.has(file)) continue;
    const source = text(file);
    const barrel = barrels === 'by name' && file.endsWith('.ts') && isBarrel(source);
    // a barrel is read name by name; any other file whole, the first time it is reached
    const names = barrel && next.names ? next.names.filter((name) => !taken.has(`${file}#${name}`)) : null;
    if (names) {
      if (names.length === 0) continue;
      for (const name of names) taken.add(`${file}#${name}`);
    } else whole.add(file);
    for (const [, id] of source.matchAll(MESSAGE_ID)) if (!ids.has(id)) ids.set(id, relative(root, file));
    if (!file.endsWith('.ts')) continue;
    for (const use of usesOf(source)) {
      const target = resolveModule(file, use.module, paths);
      // nothing but types taken: no code of it runs
      if (!target || use.names?.length === 0) continue;
      if (!names) queue.push({ file: target, names: use.names });
      else {
        // from a barrel: the modules that give one of the names wanted
        const wanted = names.filter((name) => (use.names ? use.names.includes(name) : isBarrel(text(target)) || declares(text(target), name)));
        if (wanted.length) queue.push({ file: target, names: use.names ? wanted : isBarrel(text(target)) ? wanted : null });
      }
    }
    for (const [, template] of source.matchAll(TEMPLATE)) queue.push({ file: resolve(dirname(file), template), names: null });
  }
  return ids;
}

/** How the source catalogue and the code differ, a line an id: none once the catalogue was extracted from this code. */
export function catalogueDrift(source: Record<string, string>, used: Map<string, string>): { missing: string[]; stale: string[] } {
  return {
    missing: [...used].filter(([id]) => !(id in source)).map(([id, file]) => `${id}: used in ${file}, missing from the source catalogue (extract it again)`),
    stale: Object.keys(source)
      .filter((id) => !used.has(id))
      .map((id) => `${id}: in the source catalogue, used nowhere in the app (extract it again)`),
  };
}
