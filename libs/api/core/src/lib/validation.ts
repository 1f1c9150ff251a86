import { registerDecorator, type ValidationOptions } from 'class-validator';
import { badUserInput, type FieldProblem } from './errors';

/** Strings that trim to a length within [min, max]. */
export function TrimmedLength(min: number, max: number, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'trimmedLength',
      target: object.constructor,
      propertyName,
      options: { message: `must be ${min} to ${max} characters after trimming`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && between(codePointLength(value.trim()), min, max),
      },
    });
}

/** Any string argument, however deep, holding U+0000: a clear BAD_USER_INPUT before anything else runs. */
export function rejectNulCharacters(args: Record<string, unknown>): void {
  const problems: FieldProblem[] = [];
  findNul(args, '', problems);
  if (problems.length) throw badUserInput(problems);
}

function findNul(value: unknown, path: string, problems: FieldProblem[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) problems.push({ field: path, message: 'must not contain the NUL character', reason: 'nulCharacter' });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => findNul(item, `${path}.${i}`, problems));
  } else if (value && typeof value === 'object') {
    for (const key in value) findNul((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, problems);
  }
}

/** Checks a page size argument against the contract's 1..100. */
export function checkPageSize(field: string, value: number | null | undefined, max = 100): FieldProblem[] {
  if (value === null || value === undefined) return [];
  return value >= 1 && value <= max ? [] : [{ field, message: `must be from 1 to ${max}`, reason: 'range' }];
}

const between = (n: number, min: number, max: number) => n >= min && n <= max;

/**
 * Characters (code points), so an emoji is one character, not two: what
 * `[...text].length` says (a lone surrogate counts as one), without building
 * an array of every character of every message sent.
 */
export function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}
