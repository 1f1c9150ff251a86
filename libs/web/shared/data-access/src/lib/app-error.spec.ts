import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { describeError, describeFields, describeFormError, toAppError, type AppError } from './app-error';

describe('toAppError', () => {
  it('reads the contract code, field messages and retry delay of a GraphQL error', () => {
    const error = new CombinedGraphQLErrors({
      errors: [
        {
          message: 'Invalid input',
          extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'input.email', message: 'must be an email' }, { field: 'password', message: 'too short' }] },
        },
      ],
    });
    expect(toAppError(error)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Invalid input',
      fields: { email: 'must be an email', password: 'too short' },
      retryAfterSeconds: null,
    });
    const limited = toAppError(new CombinedGraphQLErrors({ errors: [{ message: 'Slow down', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 2.2 } }] }));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3 });
    expect(describeError(limited)).toBe("That's a lot of requests at once. Please try again in 3 seconds.");
  });

  it("words each field's problem by its reason where the screen knows it, else keeps the server's message", () => {
    const error = toAppError(
      new CombinedGraphQLErrors({
        errors: [
          {
            message: 'Some input is not valid.',
            extensions: {
              code: 'BAD_USER_INPUT',
              fields: [
                { field: 'url', message: 'is not a URL', reason: 'notUrl' },
                { field: 'events', message: 'unknown event types: x', reason: 'somethingNew' },
                { field: 'first', message: 'must be 1 to 100' },
              ],
            },
          },
        ],
      }),
    );
    expect(error.fieldReasons).toEqual({ url: 'notUrl', events: 'somethingNew' });
    const words: Record<string, string> = { 'url:notUrl': 'Ce n’est pas une URL.' };
    expect(describeFields(error, (field, reason) => words[`${field}:${reason}`] ?? null, (field, message) => `${field} ${message}`)).toEqual({
      url: 'Ce n’est pas une URL.',
      events: 'events unknown event types: x',
      first: 'first must be 1 to 100',
    });
  });

  it("makes a form's notice of its fields' problems, or of the error when no field is named", () => {
    const refused: AppError = { code: 'BAD_USER_INPUT', message: 'x', fields: { shortcut: 'must be…', body: 'must be 1 to 4000' }, retryAfterSeconds: null, fieldReasons: { shortcut: 'matches' } };
    const word = (field: string, reason: string) => (field === 'shortcut' && reason === 'matches' ? 'Letters only.' : null);
    expect(describeFormError(refused, word, (field, message) => `${field}: ${message}`)).toBe('Letters only. body: must be 1 to 4000');
    expect(describeFormError({ ...refused, fields: {} }, word)).toBe('Please check what you entered.');
    expect(describeFormError({ ...refused, code: 'CONFLICT' }, word, undefined, () => 'Taken.')).toBe('Taken.');
  });

  it('reads GraphQL errors from a non-2xx answer too', () => {
    const response = { status: 400, headers: { get: () => 'application/json' } } as unknown as Response;
    const error = new ServerError('Response not successful', {
      response,
      bodyText: JSON.stringify({ errors: [{ message: 'Email taken', extensions: { code: 'CONFLICT' } }] }),
    });
    expect(toAppError(error)).toMatchObject({ code: 'CONFLICT', message: 'Email taken' });
  });

  it('treats anything else as a network problem, and unknown codes as internal', () => {
    expect(toAppError(new TypeError('Failed to fetch')).code).toBe('NETWORK');
    expect(toAppError(new CombinedGraphQLErrors({ errors: [{ message: 'x', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] })).code).toBe(
      'INTERNAL_SERVER_ERROR',
    );
    expect(describeError(toAppError(new Error('boom')))).toContain("couldn't reach Parley");
  });
});
