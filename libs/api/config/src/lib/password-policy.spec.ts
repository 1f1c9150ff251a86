import { randomBytes } from 'node:crypto';
import { cleanDisplayName, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it('refuses common, l33t and personal passwords, and accepts long unrelated phrases', () => {
    for (const weak of ['password1', 'P@ssw0rd1', 'qwertyuiop', 'iloveyou2024', '1'.repeat(128)]) expect(passwordProblem(weak)).toMatch(/^is too easy to guess/);
    expect(passwordProblem('robin.hartley@example.com', ['robin.hartley@example.com', 'Robin Hartley'])).toMatch(/^is too easy to guess/);
    expect(passwordProblem('short')).toBe('must be 8 to 128 characters');
    expect(passwordProblem('amber lantern 42 quietly')).toBeNull();
  });

  it('judges a long password by its first 32 characters: long random ones pass, a weak start fails', () => {
    for (let i = 0; i < 3; i++) expect(passwordProblem(randomBytes(64).toString('hex'))).toBeNull();
    expect(passwordProblem(`${'password'.repeat(4)}${randomBytes(32).toString('hex')}`)).toMatch(/^is too easy to guess/);
  });
});

describe('cleanDisplayName', () => {
  it('removes bidirectional controls and zero-width characters, then trims', () => {
    expect(cleanDisplayName(' \u202Eevil\u202C Ro\u200Bbin\u2066\uFEFF\u00AD ')).toBe('evil Robin');
    expect(cleanDisplayName('Zoë 😀')).toBe('Zoë 😀');
  });
});
