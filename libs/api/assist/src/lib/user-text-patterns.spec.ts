import fc from 'fast-check';
import { LinearRegex } from '@parley/api/core';
import { rewriteQuery, SYNONYM_PATTERNS } from './query-rewrite';
import { wantsPerson, WANTS_PERSON_PATTERN } from './bot.service';

// Every pattern applied to what customers type runs in RE2 (linear time); these check it still
// means what the JavaScript pattern meant, and that adversarial text cannot stall the process.

const PATTERNS = [...SYNONYM_PATTERNS.map(([pattern]) => pattern), WANTS_PERSON_PATTERN];
const vocabulary = { words: new Map([['return', 3], ['order', 5], ['refund', 2]]) };

const phrase = fc
  .array(
    fc.constantFrom('send', 'it', 'back', 'where', 'is', 'my', 'order', 'talk', 'to', 'a', 'someone', 'money', 'card', 'declined', 'the', 'how', 'long', 'refund', ' ', '  ', "don't", 'fit'),
    { maxLength: 14 },
  )
  .map((words) => ` ${words.join(' ')} `);

describe('patterns over user text', () => {
  it('match in RE2 exactly where the JavaScript pattern matches (property)', () => {
    const compiled = PATTERNS.map((pattern) => [pattern, new LinearRegex(pattern)] as const);
    fc.assert(
      fc.property(phrase, (text) => {
        for (const [native, linear] of compiled) expect([native.source, linear.test(text)]).toEqual([native.source, native.test(text)]);
      }),
      { numRuns: 300 },
    );
  });

  // Each of these took a backtracking engine seconds to minutes at this length (the body limit is 4,000;
  // the bot and search see far less, but the class of problem is the pattern, not the limit).
  const long = 200_000;
  it.each([
    ['spaces after a verb', `talk to${' '.repeat(long)}x`],
    ['repeated openers', 'where '.repeat(long / 6)],
    ['send and spaces', `send${' a'.repeat(long / 2)}`],
    ['words without an end', "a'".repeat(long / 2)],
    ['change and order', 'change '.repeat(long / 7)],
  ])('finish on %s', (_name, text) => {
    const started = Date.now();
    wantsPerson(text);
    rewriteQuery(text, vocabulary);
    // Linear: well under a second here; the JavaScript engine needed minutes for several of these.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
