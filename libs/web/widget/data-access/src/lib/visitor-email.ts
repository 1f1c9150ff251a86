import { LIMITS } from '@parley/shared/limits';

/** Enough of an address to reply to: something@domain.tld, no spaces (the API checks it again). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type VisitorEmailProblem = 'missing' | 'invalid' | null;

/** What is wrong with the address a visitor typed (trimmed); an empty one is wrong only where it is required. */
export function visitorEmailProblem(value: string, required: boolean): VisitorEmailProblem {
  const email = value.trim();
  if (!email) return required ? 'missing' : null;
  return email.length <= LIMITS.emailMax && EMAIL.test(email) ? null : 'invalid';
}
