import { describeError, describeFields, type AppError } from '@parley/web/shared/data-access';

/**
 * The webhook form's problems (url, events) in the desk's language: the API's
 * reason for each field as a sentence of our own; a reason this version does
 * not know keeps the API's words.
 */
export function webhookFieldProblems(error: AppError): Record<string, string> {
  return describeFields(error, wordWebhookProblem, (field, message) =>
    field === 'events' ? $localize`:@@desk.webhooks.eventsProblemOther:Events: ${message}:problem:` : $localize`:@@desk.webhooks.urlProblemOther:The URL ${message}:problem:`,
  );
}

function wordWebhookProblem(field: string, reason: string): string | null {
  if (field === 'events') {
    switch (reason) {
      case 'none':
        return $localize`:@@desk.webhooks.problem.noEvents:Choose at least one event.`;
      case 'unknown':
        return $localize`:@@desk.webhooks.problem.unknownEvents:The server does not know some of these events.`;
    }
    return null;
  }
  switch (reason) {
    case 'tooLong':
      return $localize`:@@desk.webhooks.problem.tooLong:The URL is too long: 2000 characters at most.`;
    case 'notUrl':
      return $localize`:@@desk.webhooks.problem.notUrl:This is not a URL. Write it in full, like https://example.com/parley.`;
    case 'notHttps':
      return $localize`:@@desk.webhooks.problem.notHttps:The URL must start with https://.`;
    case 'notHttp':
      return $localize`:@@desk.webhooks.problem.notHttp:The URL must start with http:// or https://.`;
    case 'credentials':
      return $localize`:@@desk.webhooks.problem.credentials:The URL must not hold a user name or password.`;
    case 'fragment':
      return $localize`:@@desk.webhooks.problem.fragment:The URL must not end with a #fragment.`;
    case 'privateAddress':
      return $localize`:@@desk.webhooks.problem.privateAddress:This host has a loopback, private or link-local address, which webhooks may not reach.`;
    case 'unresolved':
      return $localize`:@@desk.webhooks.problem.unresolved:No address was found for this host name.`;
  }
  return null;
}

/** An error of the webhooks screen as its notice says it: a webhook gone since the list was read, else the desk's words for the code. */
export function describeWebhookError(error: AppError): string {
  if (error.code === 'NOT_FOUND') return $localize`:@@desk.webhooks.gone:This webhook no longer exists: someone may have deleted it. Reload the page to see the current list.`;
  return describeError(error);
}
