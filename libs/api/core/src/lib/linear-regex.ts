import { RE2JS } from 're2js';

/**
 * A regular expression run by RE2 (re2js), whose matching time grows linearly
 * with the text whatever the pattern: JavaScript's own engine backtracks, and
 * patterns such as `\s+(a|the)?\s*` or `\bwhere\b.*\border\b` take quadratic
 * time or worse on a 4,000-character message of spaces or repeated words.
 * Every pattern applied to what users type goes through this. Written as a
 * RegExp literal so it reads as one; RE2 has no backreferences or lookaround,
 * and compiling one refuses them.
 */
export class LinearRegex {
  private readonly re2: RE2JS;

  constructor(pattern: RegExp) {
    let flags = 0;
    for (const flag of pattern.flags) {
      if (flag === 'i') flags |= RE2JS.CASE_INSENSITIVE;
      else if (flag === 's') flags |= RE2JS.DOTALL;
      else if (flag === 'm') flags |= RE2JS.MULTILINE;
      else if (flag !== 'g' && flag !== 'u') throw new Error(`LinearRegex: flag ${flag} is not supported`);
    }
    this.re2 = RE2JS.compile(pattern.source, flags);
  }

  /** Whether the pattern occurs anywhere in `text`. */
  test(text: string): boolean {
    return this.re2.matcher(text).find();
  }

  /** Every non-overlapping match, left to right (what `text.match(/…/g)` gives). */
  matchAll(text: string): string[] {
    const matcher = this.re2.matcher(text);
    const found: string[] = [];
    while (matcher.find()) found.push(matcher.group() ?? '');
    return found;
  }
}
