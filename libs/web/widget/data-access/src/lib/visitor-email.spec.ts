import { visitorEmailProblem } from './visitor-email';

describe('visitorEmailProblem', () => {
  it('asks for an address only where one is required', () => {
    expect(visitorEmailProblem('   ', true)).toBe('missing');
    expect(visitorEmailProblem('', false)).toBeNull();
  });

  it('takes an address with a domain, trimmed', () => {
    expect(visitorEmailProblem('  sam@example.com ', true)).toBeNull();
    expect(visitorEmailProblem('Sam.O+shop@mail.example.co.uk', false)).toBeNull();
  });

  it('refuses what cannot be replied to', () => {
    for (const bad of ['sam', 'sam@', 'sam@example', '@example.com', 'sam @example.com', `${'a'.repeat(250)}@example.com`]) {
      expect([bad, visitorEmailProblem(bad, false)]).toEqual([bad, 'invalid']);
    }
  });
});
