import type { AppError } from '@parley/web/shared/data-access';
import { authFormErrors } from './form-errors';
import { safeReturnUrl } from './guards';

const err = (code: AppError['code'], extra: Partial<AppError> = {}): AppError => ({ code, message: 'x', fields: {}, retryAfterSeconds: null, ...extra });

describe('authFormErrors', () => {
  it('never says which of email or password was wrong', () => {
    expect(authFormErrors(err('UNAUTHENTICATED'), 'sign-in')).toEqual({
      form: "That email and password don't match an account. Check them and try again.",
      fields: {},
    });
  });

  it('puts "email taken" next to the email field on sign-up', () => {
    expect(authFormErrors(err('CONFLICT'), 'sign-up').fields['email']).toContain('already exists');
  });

  it('shows invalid fields next to each field', () => {
    const mapped = authFormErrors(err('BAD_USER_INPUT', { fields: { password: 'Too short', displayName: 'Required' } }), 'sign-up');
    expect(mapped).toEqual({ form: null, fields: { password: 'Too short', displayName: 'Required' } });
  });

  it('explains rate limits and outages for the whole form', () => {
    expect(authFormErrors(err('RATE_LIMITED', { retryAfterSeconds: 30 }), 'sign-in').form).toContain('30 seconds');
    expect(authFormErrors(err('NETWORK'), 'sign-in').form).toContain("couldn't reach");
    expect(authFormErrors(err('INTERNAL_SERVER_ERROR'), 'sign-up').form).toContain('Something went wrong');
  });
});

describe('safeReturnUrl', () => {
  it('only returns to paths of this app', () => {
    expect(safeReturnUrl('/chats/abc')).toBe('/chats/abc');
    expect(safeReturnUrl('https://evil.example')).toBe('/chats');
    expect(safeReturnUrl('//evil.example')).toBe('/chats');
    expect(safeReturnUrl('/sign-in')).toBe('/chats');
    expect(safeReturnUrl(null)).toBe('/chats');
  });
});
