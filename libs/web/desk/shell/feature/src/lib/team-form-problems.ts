import { LIMITS } from '@parley/shared/limits';
import { describeError, describeFormError, type AppError } from '@parley/web/shared/data-access';

// The team admin's forms (canned replies, new agents, capacity): the API's reason for each refused field as a
// sentence of the desk's own; a reason this version does not know keeps the API's words after the field's name.

/** The canned replies form's error as its notice. */
export function describeCannedReplyError(error: AppError): string {
  return describeFormError(
    error,
    (field, reason) => {
      if (field === 'shortcut' && reason === 'matches') return $localize`:@@desk.canned.problem.shortcut:The shortcut must be 1 to 32 letters, digits, - or _.`;
      if (field === 'body' && reason === 'trimmedLength') return $localize`:@@desk.canned.problem.body:The text must be 1 to 4000 characters, spaces at either end not counted.`;
      return null;
    },
    (field, message) => (field === 'shortcut' ? $localize`:@@desk.canned.problemOther.shortcut:The shortcut ${message}:problem:` : $localize`:@@desk.canned.problemOther.body:The text ${message}:problem:`),
    (other) => (other.code === 'CONFLICT' ? $localize`:@@desk.canned.problem.taken:Another canned reply has this shortcut.` : describeError(other)),
  );
}

/** The team form's error (a new agent, an agent's capacity) as its notice. */
export function describeTeamError(error: AppError): string {
  return describeFormError(error, wordTeamProblem, teamProblemOther, (other) =>
    other.code === 'CONFLICT' ? $localize`:@@desk.team.problem.emailTaken:This email is already registered.` : describeError(other),
  );
}

function wordTeamProblem(field: string, reason: string): string | null {
  switch (`${field}:${reason}`) {
    case 'displayName:trimmedLength':
      return $localize`:@@desk.team.problem.displayName:The name must be ${LIMITS.displayNameMin}:min: to ${LIMITS.displayNameMax}:max: characters.`;
    case 'email:isEmail':
      return $localize`:@@desk.team.problem.email:Enter an email address, like alex@example.com.`;
    case 'email:maxLength':
      return $localize`:@@desk.team.problem.emailLong:The email address is too long: ${LIMITS.emailMax}:max: characters at most.`;
    case 'password:isLength':
      return $localize`:@@desk.team.problem.password:The password must be ${LIMITS.passwordMin}:min: to ${LIMITS.passwordMax}:max: characters.`;
    case 'maxChats:range':
      return $localize`:@@desk.team.problem.maxChats:Most open chats must be a whole number from 1 to 50.`;
  }
  return null;
}

/** The API's words (English, "is too easy to guess…") after the field's name. */
function teamProblemOther(field: string, message: string): string {
  switch (field) {
    case 'displayName':
      return $localize`:@@desk.team.problemOther.displayName:The name ${message}:problem:`;
    case 'email':
      return $localize`:@@desk.team.problemOther.email:The email address ${message}:problem:`;
    case 'password':
      return $localize`:@@desk.team.problemOther.password:The password ${message}:problem:`;
  }
  return message;
}
