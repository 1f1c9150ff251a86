/**
 * What a SYSTEM message says happened, as the API sends it (Message.notice):
 * a code and the sentence's names, or the wait. Structural, so every app's
 * generated fragment type fits.
 */
export interface MessageNoticeLike {
  code: string;
  name?: string | null;
  by?: string | null;
  to?: string | null;
  from?: string | null;
  wait?: string | null;
  opensAt?: string | null;
  timeZone?: string | null;
}

/**
 * A message's text as shown: a SYSTEM message in the viewer's language, from
 * its notice; its `body` when it has none (a person's or the bot's message,
 * an older SYSTEM one) or a code this build does not know yet.
 */
export function noticeText(message: { body: string; notice?: MessageNoticeLike | null }, locale?: string): string {
  const notice = message.notice;
  if (!notice) return message.body;
  const name = notice.name ?? '';
  const by = notice.by ?? '';
  switch (notice.code) {
    case 'JOINED':
      return $localize`:@@notice.joined:${name}:name: joined the chat.`;
    case 'CLOSED':
      return $localize`:@@notice.closed:Chat closed by ${by}:by:.`;
    case 'TRANSFERRED':
      return $localize`:@@notice.transferred:${by}:by: transferred the chat to ${notice.to ?? ''}:to:.`;
    case 'TOOK_OVER':
      return $localize`:@@notice.tookOver:${name}:name: took over the chat.`;
    case 'RETURNED_TO_QUEUE':
      return $localize`:@@notice.returnedToQueue:${by}:by: put the chat back in the queue; another agent will be with you shortly.`;
    case 'MOVED_TO_QUEUE':
      return $localize`:@@notice.movedToQueue:${by}:by: moved the chat from ${notice.from ?? ''}:from: back to the queue; another agent will be with you shortly.`;
    case 'AGENT_UNAVAILABLE':
      return $localize`:@@notice.agentUnavailable:${name}:name: is no longer available; another agent will be with you shortly.`;
    case 'PERSON_REQUESTED':
      return $localize`:@@notice.personRequested:${waitText(notice, locale)}:wait: The assistant has stopped answering.`;
    case 'BOT_HANDED_OVER':
      return $localize`:@@notice.botHandedOver:You asked for a person. ${waitText(notice, locale)}:wait:`;
    default:
      return message.body;
  }
}

/** When a person will answer, as a sentence. */
function waitText(notice: MessageNoticeLike, locale?: string): string {
  switch (notice.wait) {
    case 'AWAY_UNTIL':
      if (notice.opensAt && notice.timeZone) {
        const when = backAt(notice.opensAt, notice.timeZone, locale);
        return $localize`:@@notice.wait.awayUntil:Our team is away until ${when}:when:; an agent will answer then.`;
      }
      return $localize`:@@notice.wait.away:Our team is away at the moment; an agent will answer when it is back.`;
    case 'AWAY':
      return $localize`:@@notice.wait.away:Our team is away at the moment; an agent will answer when it is back.`;
    case 'NOBODY_ONLINE':
      return $localize`:@@notice.wait.nobodyOnline:Nobody from our team is online right now; an agent will answer as soon as one is back.`;
    default:
      return $localize`:@@notice.wait.shortly:An agent will be with you shortly.`;
  }
}

/** "Monday 9:00 AM (Europe/Paris)", in the viewer's language, at the team's time zone. */
function backAt(iso: string, timeZone: string, locale?: string): string {
  const lang = locale ?? (typeof document === 'undefined' ? undefined : document.documentElement.lang || undefined);
  try {
    const at = new Intl.DateTimeFormat(lang, { timeZone, weekday: 'long', hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
    return `${at} (${timeZone})`;
  } catch {
    return `${new Date(iso).toLocaleString(lang)} (${timeZone})`;
  }
}
