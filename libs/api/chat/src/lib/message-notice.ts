import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';

/**
 * What a SYSTEM message says happened, as data: each front end words it in
 * its own language, and `body` keeps the English sentence made from it here
 * (old clients, emails, transcripts, webhooks), so the two never disagree.
 */
export enum MessageNoticeCode {
  JOINED = 'JOINED',
  CLOSED = 'CLOSED',
  TRANSFERRED = 'TRANSFERRED',
  TOOK_OVER = 'TOOK_OVER',
  RETURNED_TO_QUEUE = 'RETURNED_TO_QUEUE',
  MOVED_TO_QUEUE = 'MOVED_TO_QUEUE',
  AGENT_UNAVAILABLE = 'AGENT_UNAVAILABLE',
  PERSON_REQUESTED = 'PERSON_REQUESTED',
  BOT_HANDED_OVER = 'BOT_HANDED_OVER',
}
registerEnumType(MessageNoticeCode, {
  name: 'MessageNoticeCode',
  valuesConfig: {
    JOINED: { description: '`name` joined the chat (accepted it, or was assigned it).' },
    CLOSED: { description: 'The chat was closed by `by`.' },
    TRANSFERRED: { description: '`by` transferred the chat to `to`.' },
    TOOK_OVER: { description: '`name` (an admin) took the chat over.' },
    RETURNED_TO_QUEUE: { description: '`by`, its agent, put the chat back in the queue.' },
    MOVED_TO_QUEUE: { description: '`by` moved the chat from `from` back to the queue.' },
    AGENT_UNAVAILABLE: { description: '`name`, its agent, is no longer available: the chat is back in the queue.' },
    PERSON_REQUESTED: { description: 'The customer asked for a person: the bot stopped; `wait` says when a person will answer.' },
    BOT_HANDED_OVER: { description: 'The customer asked the bot for a person: the bot stopped; `wait` says when a person will answer.' },
  },
});

/** When a person will answer a customer handed over from the bot. */
export enum HandoverWaitKind {
  SHORTLY = 'SHORTLY',
  AWAY_UNTIL = 'AWAY_UNTIL',
  AWAY = 'AWAY',
  NOBODY_ONLINE = 'NOBODY_ONLINE',
}
registerEnumType(HandoverWaitKind, {
  name: 'HandoverWaitKind',
  valuesConfig: {
    SHORTLY: { description: 'Within business hours with someone online: an agent will be with them shortly.' },
    AWAY_UNTIL: { description: 'Outside business hours: an agent will answer at `opensAt` (business hours in `timeZone`).' },
    AWAY: { description: 'Outside business hours, with no next opening known.' },
    NOBODY_ONLINE: { description: 'Within business hours, but nobody is online.' },
  },
});

/** The wait as the team tells it: opensAt (ISO) and timeZone with AWAY_UNTIL only. */
export interface HandoverWait {
  wait: HandoverWaitKind;
  opensAt?: string;
  timeZone?: string;
}

/** A notice as stored in `messages.notice` (jsonb): its code and the sentence's variable parts. */
export type MessageNoticeRow =
  | { code: MessageNoticeCode.JOINED; name: string }
  | { code: MessageNoticeCode.CLOSED; by: string }
  | { code: MessageNoticeCode.TRANSFERRED; by: string; to: string }
  | { code: MessageNoticeCode.TOOK_OVER; name: string }
  | { code: MessageNoticeCode.RETURNED_TO_QUEUE; by: string }
  | { code: MessageNoticeCode.MOVED_TO_QUEUE; by: string; from: string }
  | { code: MessageNoticeCode.AGENT_UNAVAILABLE; name: string }
  | ({ code: MessageNoticeCode.PERSON_REQUESTED } & HandoverWait)
  | ({ code: MessageNoticeCode.BOT_HANDED_OVER } & HandoverWait);

const ANOTHER_AGENT = 'another agent will be with you shortly';

/** The English sentence of a notice: what `body` holds. One case per code. */
export function noticeSentence(notice: MessageNoticeRow): string {
  switch (notice.code) {
    case MessageNoticeCode.JOINED:
      return `${notice.name} joined the chat.`;
    case MessageNoticeCode.CLOSED:
      return `Chat closed by ${notice.by}.`;
    case MessageNoticeCode.TRANSFERRED:
      return `${notice.by} transferred the chat to ${notice.to}.`;
    case MessageNoticeCode.TOOK_OVER:
      return `${notice.name} took over the chat.`;
    case MessageNoticeCode.RETURNED_TO_QUEUE:
      return `${notice.by} put the chat back in the queue; ${ANOTHER_AGENT}.`;
    case MessageNoticeCode.MOVED_TO_QUEUE:
      return `${notice.by} moved the chat from ${notice.from} back to the queue; ${ANOTHER_AGENT}.`;
    case MessageNoticeCode.AGENT_UNAVAILABLE:
      return `${notice.name} is no longer available; ${ANOTHER_AGENT}.`;
    case MessageNoticeCode.PERSON_REQUESTED: {
      const wait = waitWords(notice);
      return `${wait.charAt(0).toUpperCase()}${wait.slice(1)}. The assistant has stopped answering.`;
    }
    case MessageNoticeCode.BOT_HANDED_OVER:
      return `You asked for a person: ${waitWords(notice)}.`;
  }
}

/** The wait in English words, lower case: "an agent will be with you shortly", ... */
export function waitWords(wait: HandoverWait): string {
  switch (wait.wait) {
    case HandoverWaitKind.AWAY_UNTIL:
      return wait.opensAt && wait.timeZone
        ? `our team is away until ${backAt(new Date(wait.opensAt), wait.timeZone)}; an agent will answer then`
        : 'our team is away at the moment; an agent will answer when it is back';
    case HandoverWaitKind.AWAY:
      return 'our team is away at the moment; an agent will answer when it is back';
    case HandoverWaitKind.NOBODY_ONLINE:
      return 'nobody from our team is online right now; an agent will answer as soon as one is back';
    default:
      return 'an agent will be with you shortly';
  }
}

/** "Monday 9:00 AM (Europe/Paris)". */
export function backAt(at: Date, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long' }).format(at);
  const time = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(at);
  return `${day} ${time} (${timeZone})`;
}

@ObjectType('MessageNotice', {
  simpleResolvers: true,
  description: 'What a SYSTEM message says happened, for clients to word in their own language (`body` is its English sentence).',
})
export class MessageNotice {
  @Field(() => MessageNoticeCode)
  code: MessageNoticeCode;

  @Field(() => String, { nullable: true, description: 'Who joined, took over, or is no longer available (JOINED, TOOK_OVER, AGENT_UNAVAILABLE).' })
  name?: string;

  @Field(() => String, { nullable: true, description: 'Who did it (CLOSED, TRANSFERRED, RETURNED_TO_QUEUE, MOVED_TO_QUEUE).' })
  by?: string;

  @Field(() => String, { nullable: true, description: 'Who the chat went to (TRANSFERRED).' })
  to?: string;

  @Field(() => String, { nullable: true, description: 'Who had the chat (MOVED_TO_QUEUE).' })
  from?: string;

  @Field(() => HandoverWaitKind, { nullable: true, description: 'When a person will answer (PERSON_REQUESTED, BOT_HANDED_OVER).' })
  wait?: HandoverWaitKind;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'When business hours start again (wait AWAY_UNTIL).' })
  opensAt?: string;

  @Field(() => String, { nullable: true, description: "The business hours' IANA time zone (wait AWAY_UNTIL)." })
  timeZone?: string;
}
