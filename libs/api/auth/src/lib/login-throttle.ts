import { LIMIT_RULES, type RateLimits } from '@parley/api/core';

/** The first block of an account from one address; each further block within a day doubles it. */
export const FIRST_BLOCK_SECONDS = 60;
/** The longest block, however many came before. */
export const MAX_BLOCK_SECONDS = 15 * 60;

/**
 * Sign-in throttling after OWASP's authentication guidance: failures are
 * counted per account *and address*, and what is blocked is that pair, for a
 * time that grows with each block (1, 2, 4, 8 minutes, up to 15). The account
 * itself is never locked, so failures from other addresses cannot keep its
 * owner out: when an account sees a flood of failures from everywhere, each
 * address is blocked after its first failure instead of its fifth, and an
 * address that has not failed still signs in.
 */
export class LoginThrottle {
  constructor(private readonly limits: RateLimits) {}

  /** Before any password work: RATE_LIMITED when this address may not try this account now. */
  async before(emailLower: string, ip: string): Promise<void> {
    await this.limits.consume('loginPerIp', ip);
    await this.limits.check('loginFailuresPerAccountAndIp', pairKey(emailLower, ip));
  }

  /** A wrong password (or unknown account) from this address: count it, and block when due. */
  async failed(emailLower: string, ip: string): Promise<void> {
    const pair = pairKey(emailLower, ip);
    await this.limits.consume('loginFailuresPerAccount', emailLower).catch(() => undefined);
    const underAttack = await this.limits.exhausted('loginFailuresPerAccount', emailLower);
    await this.limits.consume('loginFailuresPerAccountAndIp', pair).catch(() => undefined);
    if (!underAttack && !(await this.limits.exhausted('loginFailuresPerAccountAndIp', pair))) return;
    await this.limits.consume('loginBlocksPerAccountAndIp', pair).catch(() => undefined);
    const blocks = Math.max(1, await this.limits.spent('loginBlocksPerAccountAndIp', pair));
    await this.limits.block('loginFailuresPerAccountAndIp', pair, blockSeconds(blocks));
  }

  /** The right password: this address starts afresh for this account (earlier blocks still count). */
  async succeeded(emailLower: string, ip: string): Promise<void> {
    await this.limits.reset('loginFailuresPerAccountAndIp', pairKey(emailLower, ip));
  }
}

/** How long the n-th block within a day lasts. */
export function blockSeconds(n: number): number {
  return Math.min(MAX_BLOCK_SECONDS, FIRST_BLOCK_SECONDS * 2 ** Math.min(n - 1, 16));
}

const pairKey = (emailLower: string, ip: string) => `${emailLower}|${ip}`;

/** Failures an address may make on one account before its first block. */
export const FAILURES_BEFORE_BLOCK = LIMIT_RULES.loginFailuresPerAccountAndIp.points;
