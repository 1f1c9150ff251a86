import { correctSpelling, editDistance, rewriteQuery } from './query-rewrite';
import { parseArticleFile } from './knowledge-files';
import { wantsPerson } from './bot.service';

const vocabulary = { words: new Map([['return', 5], ['password', 2], ['refund', 4], ['shoes', 1]]) };

describe('query rewriting', () => {
  it('fixes spelling against the knowledge base words', () => {
    expect(correctSpelling('retrun', vocabulary)).toBe('return');
    expect(correctSpelling('pasword', vocabulary)).toBe('password');
    expect(correctSpelling('xylophone', vocabulary)).toBe('xylophone');
    expect(editDistance('ab', 'ba')).toBe(1);
  });

  it("adds the articles' words for customers' phrases and drops filler", () => {
    const terms = rewriteQuery('how do i send back shoes i bought', vocabulary);
    expect(terms).toContain('return');
    expect(terms).toContain('shoes');
    expect(terms).not.toContain('how');
  });
});

describe('asking for a person', () => {
  it.each(['can I talk to a person', 'I want a human', 'agent please', 'let me talk to someone', 'speak with a representative'])('"%s"', (text) =>
    expect(wantsPerson(text)).toBe(true),
  );
  it.each(['how do i return shoes', 'where is my parcel', 'agenda'])('not "%s"', (text) => expect(wantsPerson(text)).toBe(false));
});

describe('article files', () => {
  it('reads front matter and body', () => {
    const file = parseArticleFile('returns.md', '---\ntitle: "Returns"\ntags: [Returns, orders]\n---\n\nSend it back.\n');
    expect(file).toEqual({ slug: 'returns', title: 'Returns', body: 'Send it back.', tags: ['returns', 'orders'] });
    expect(() => parseArticleFile('x.md', 'no front matter')).toThrow(/front matter/);
  });
});
