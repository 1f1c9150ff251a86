// Here rather than in api-core: the configuration judges ADMIN_PASSWORD with it when read, and api-core depends on the configuration.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { LIMITS } from '@parley/shared/limits';

/**
 * zxcvbn's score 3: "safely unguessable" (about 10^8 guesses and more). Below
 * it sit the common passwords of its 40 000-entry lists, names, words and
 * their l33t, keyboard and date variants, which breached-password lists are
 * made of (OWASP ASVS 2.1.7, NIST 800-63B 5.1.1.2).
 */
export const MIN_PASSWORD_SCORE = 3;

/**
 * zxcvbn's matching grows fast with length and with l33t-able characters (a
 * 128-character hex string took seconds): only this many characters are
 * judged, with few l33t substitutions tried. A password whose first 32
 * characters are guessable is refused; longer strong ones are strong anyway.
 */
const JUDGED_CHARACTERS = 32;

// Ranking the dictionaries takes a few hundred milliseconds and much memory: done on first use
// (a sign-up, a password reset, ADMIN_PASSWORD), not by every process that loads this file.
let estimator: ZxcvbnFactory | undefined;
const zxcvbn = () =>
  (estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
    l33tMaxSubstitutions: 4,
    maxLength: JUDGED_CHARACTERS,
  }));

/**
 * Why a password may not be used, or null when it may. `personal` holds what
 * the account already says about its owner (email, name): a password made of
 * them is easy to guess for anyone who knows them.
 */
export function passwordProblem(password: string, personal: readonly string[] = []): string | null {
  const length = [...password].length;
  if (length < LIMITS.passwordMin || length > LIMITS.passwordMax) {
    return `must be ${LIMITS.passwordMin} to ${LIMITS.passwordMax} characters`;
  }
  const words = personal.flatMap((value) => value.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((word) => word.length >= 3);
  const judged = length > JUDGED_CHARACTERS ? [...password].slice(0, JUDGED_CHARACTERS).join('') : password;
  const result = zxcvbn().check(judged, [...personal, ...words]);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const why = result.feedback.warning ? ` (${result.feedback.warning.replace(/\.$/, '').toLowerCase()})` : '';
  return `is too easy to guess${why}: use a longer phrase of unrelated words`;
}

/**
 * Characters that make text display differently from what it holds: the
 * bidirectional controls (U+202A..U+202E, U+2066..U+2069, LRM, RLM, ALM) and
 * the zero-width and invisible ones (U+200B..U+200D, U+2060..U+2064, BOM, soft
 * hyphen). In a name they let one person pass for another.
 */
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** A display name as shown to others: invisible and direction-changing characters removed, then trimmed. */
export function cleanDisplayName(name: string): string {
  return name.replace(INVISIBLE, '').trim();
}
