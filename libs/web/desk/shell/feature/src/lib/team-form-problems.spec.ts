import type { AppError } from '@parley/web/shared/data-access';
import { describeCannedReplyError, describeTeamError } from './team-form-problems';

const refused = (fields: Record<string, string>, fieldReasons?: Record<string, string>): AppError => ({
  code: 'BAD_USER_INPUT',
  message: 'Some input is not valid.',
  fields,
  retryAfterSeconds: null,
  fieldReasons,
});

describe('describeCannedReplyError', () => {
  it("words the API's reasons, keeps its words for one it does not know, and names a taken shortcut", () => {
    expect(describeCannedReplyError(refused({ shortcut: 'must be 1 to 32 letters, digits, - or _', body: 'must be 1 to 4000 characters after trimming' }, { shortcut: 'matches', body: 'trimmedLength' }))).toBe(
      'The shortcut must be 1 to 32 letters, digits, - or _. The text must be 1 to 4000 characters, spaces at either end not counted.',
    );
    expect(describeCannedReplyError(refused({ body: 'must not contain the NUL character' }, { body: 'nulCharacter' }))).toBe('The text must not contain the NUL character');
    expect(describeCannedReplyError({ ...refused({}), code: 'CONFLICT' })).toBe('Another canned reply has this shortcut.');
  });
});

describe('describeTeamError', () => {
  it("words a new agent's refused fields and a capacity out of range", () => {
    expect(describeTeamError(refused({ email: 'must be a valid email address', password: 'must be 8 to 128 characters' }, { email: 'isEmail', password: 'isLength' }))).toBe(
      'Enter an email address, like alex@example.com. The password must be 8 to 128 characters.',
    );
    expect(describeTeamError(refused({ password: 'is too easy to guess: use a longer phrase of unrelated words' }))).toBe(
      'The password is too easy to guess: use a longer phrase of unrelated words',
    );
    expect(describeTeamError(refused({ maxChats: 'must be from 1 to 50' }, { maxChats: 'range' }))).toBe('Most open chats must be a whole number from 1 to 50.');
    expect(describeTeamError({ ...refused({}), code: 'CONFLICT' })).toBe('This email is already registered.');
    expect(describeTeamError({ ...refused({}), code: 'FORBIDDEN' })).toBe("You don't have access to this.");
  });
});
