import { describeFormError, type AppError } from '@parley/web/shared/data-access';

/**
 * The business hours form's error as its notice: the API's reason for each
 * refused field (`timeZone`, `weekly`, a span by its index) as a sentence of
 * the desk's own; one this version does not know keeps the API's words.
 */
export function describeBusinessHoursError(error: AppError): string {
  return describeFormError(error, (field, reason) => {
    switch (reason) {
      case 'timeZone':
        return $localize`:@@desk.hours.problem.timeZone:Choose a time zone from the list.`;
      case 'arrayMaxSize':
        return $localize`:@@desk.hours.problem.tooMany:A week holds at most 28 opening hours.`;
      case 'overlap':
        return $localize`:@@desk.hours.problem.overlap:Hours of one day must not overlap.`;
      case 'span':
        return $localize`:@@desk.hours.problem.span:Each opening must close after it opens, on a day from Monday to Sunday.`;
    }
    return null;
  });
}
