import { refusedInput } from '@parley/web/shared/data-access/testing';
import { describeBusinessHoursError } from './business-hours-problems';

describe('describeBusinessHoursError', () => {
  it("words the API's reasons, keeps its words for a field without one, and leaves other codes to the desk-wide wording", () => {
    expect(describeBusinessHoursError(refusedInput({ timeZone: 'must be an IANA time zone such as Europe/Paris', weekly: 'spans of one day must not overlap' }, { timeZone: 'timeZone', weekly: 'overlap' }))).toBe(
      'Choose a time zone from the list. Hours of one day must not overlap.',
    );
    expect(describeBusinessHoursError(refusedInput({ 3: 'must be a day from 1 (Monday) to 7' }, { 3: 'span' }))).toBe('Each opening must close after it opens, on a day from Monday to Sunday.');
    expect(describeBusinessHoursError(refusedInput({ weekly: 'is odd' }))).toBe('is odd');
    expect(describeBusinessHoursError({ ...refusedInput({}), code: 'NETWORK' })).toBe("We couldn't reach Parley. Check your connection and try again.");
  });
});
