import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** One article as written in a Markdown file with front matter. */
export interface ArticleFile {
  slug: string;
  title: string;
  body: string;
  tags: string[];
}

/**
 * Reads `---`-delimited front matter (`title:` required, `tags:` as `[a, b]`
 * or `a, b`) and the Markdown body. The slug is the file name without `.md`.
 */
export function parseArticleFile(name: string, text: string): ArticleFile {
  const slug = basename(name).replace(/\.md$/i, '');
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text.replace(/^\uFEFF/, ''));
  if (!match) throw new Error(`${name}: no front matter (a block between --- lines with a title)`);
  const fields = new Map<string, string>();
  for (const line of match[1].split(/\r?\n/)) {
    const pair = /^([A-Za-z]+)\s*:\s*(.*)$/.exec(line.trim());
    if (pair) fields.set(pair[1].toLowerCase(), pair[2].trim());
  }
  const title = unquote(fields.get('title') ?? '');
  if (!title) throw new Error(`${name}: the front matter has no title`);
  const tags = (fields.get('tags') ?? '')
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((tag) => unquote(tag.trim()).toLowerCase())
    .filter(Boolean);
  const body = match[2].trim();
  if (!body) throw new Error(`${name}: the article has no body`);
  return { slug: (fields.get('slug') && unquote(fields.get('slug') as string)) || slug, title, body, tags };
}

/** Every `*.md` file of a folder, sorted by name. */
export function readArticleFolder(folder: string): ArticleFile[] {
  return readdirSync(folder)
    .filter((name) => name.toLowerCase().endsWith('.md') && name.toLowerCase() !== 'readme.md')
    .sort()
    .map((name) => parseArticleFile(name, readFileSync(join(folder, name), 'utf8')));
}

/** The starter knowledge base shipped with Parley: beside this file in the sources, beside the bundle once built. */
export function starterKnowledgeBaseFolder(): string {
  const candidates = [join(__dirname, '../knowledge-base'), join(__dirname, 'knowledge-base')];
  const found = candidates.find((folder) => existsSync(folder));
  if (!found) throw new Error(`starter knowledge base not found (looked in ${candidates.join(', ')})`);
  return found;
}

const unquote = (value: string) => value.replace(/^(["'])(.*)\1$/, '$2');
