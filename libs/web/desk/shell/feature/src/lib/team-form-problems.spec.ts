import { refusedInput } from '@parley/web/shared/data-access/testing';
import { describeCannedReplyError, describeTeamError } from './team-form-problems';

describe('describeCannedReplyError', () => {
  it("words the API's reasons, keeps its words for one it does not know, and names a taken shortcut", () => {
    expect(describeCannedReplyError(refusedInput({ shortcut: 'must be 1 to 32 letters, digits, - or _', body: 'must be 1 to 4000 characters after trimming' }, { shortcut: 'matches', body: 'trimmedLength' }))).toBe(
      'The shortcut must be 1 to 32 letters, digits, - or _. The text must be 1 to 4000 characters, spaces at either end not counted.',
    );
    expect(describeCannedReplyError(refusedInput({ body: 'must not contain the NUL character' }, { body: 'nulCharacter' }))).toBe('The text must not contain the NUL character');
    expect(describeCannedReplyError({ ...refusedInput({}), code: 'CONFLICT' })).toBe('Another canned reply has this shortcut.');
  });
});

describe('describeTeamError', () => {
  it("words a new agent's refused fields and a capacity out of range", () => {
    expect(describeTeamError(refusedInput({ email: 'must be a valid email address', password: 'must be 8 to 128 characters' }, { email: 'isEmail', password: 'isLength' }))).toBe(
      'Enter an email address, like alex@example.com. The password must be 8 to 128 characters.',
    );
    expect(describeTeamError(refusedInput({ password: 'is too easy to guess: use a longer phrase of unrelated words' }))).toBe(
      'The password is too easy to guess: use a longer phrase of unrelated words',
    );
    expect(describeTeamError(refusedInput({ maxChats: 'must be from 1 to 50' }, { maxChats: 'range' }))).toBe('Most open chats must be a whole number from 1 to 50.');
    expect(describeTeamError({ ...refusedInput({}), code: 'CONFLICT' })).toBe('This email is already registered.');
    expect(describeTeamError({ ...refusedInput({}), code: 'FORBIDDEN' })).toBe("You don't have access to this.");
  });
});
