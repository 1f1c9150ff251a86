import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';
import { User } from '@parley/api/auth';
import { MessageNotice, type MessageNoticeRow } from './message-notice';

export enum ChatStatus {
  QUEUED = 'QUEUED',
  ACTIVE = 'ACTIVE',
  CLOSED = 'CLOSED',
}
registerEnumType(ChatStatus, {
  name: 'ChatStatus',
  valuesConfig: {
    QUEUED: { description: 'Waiting for an agent to accept it.' },
    ACTIVE: { description: 'Accepted by an agent.' },
    CLOSED: { description: 'Closed; read-only from then on.' },
  },
});

export enum MessageKind {
  CUSTOMER = 'CUSTOMER',
  AGENT = 'AGENT',
  BOT = 'BOT',
  SYSTEM = 'SYSTEM',
}
registerEnumType(MessageKind, { name: 'MessageKind' });

/** A stored message as the services pass it around (one row of `messages`). */
export interface MessageRow {
  id: string;
  chatId: string;
  seq: number;
  kind: MessageKind;
  senderId: string | null;
  body: string;
  clientMessageId: string | null;
  createdAt: Date;
  /** What a SYSTEM message says happened, as data; null for every other kind. */
  notice: MessageNoticeRow | null;
}

/** A stored chat as the services pass it around (one row of `chats`). */
export interface ChatRow {
  id: string;
  subject: string | null;
  status: ChatStatus;
  customerId: string;
  agentId: string | null;
  lastSeq: number;
  botActive: boolean;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

/**
 * A message as an event carries it. `attached` is false when its writer named
 * no files: files join a message only in its own transaction (ChatHooks.attaching),
 * so it never will have any, and Message.attachments answers without a read.
 */
export interface CarriedMessage extends MessageRow {
  attached?: boolean;
}

/**
 * A chat as a new message left it, with that message: what a chatActivity
 * event carries, so a customer's chatUpdated shows it without reading the
 * chat or its last message again (Chat.lastMessage answers from it).
 */
export interface ChatWithLastMessage extends ChatRow {
  lastMessage: CarriedMessage;
}

/**
 * What a chatUpdated event carries: the chat as its change left it and, when
 * the writer knows it, the message at the chat's lastSeq (the SYSTEM message
 * of a state change, a new chat's first message). Chat.lastMessage is that
 * message by definition, so the event's own row names it: carried, it is the
 * very message a read at the event's row would find, never an older one. An
 * event that arrives late is late with its whole row (status, updatedAt,
 * lastSeq), which subscribers already order by; a newer message is shown by
 * the newer event or the message streams. Nothing else of the chat is
 * carried: labels, read marks and the reason change with no event of their
 * own, so they are read when the event is executed.
 */
export type ChatUpdate = ChatRow & { lastMessage?: CarriedMessage };

@ObjectType('Message', { simpleResolvers: true })
export class Message implements MessageRow {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  chatId: string;

  @Field(() => Int, { description: 'Position in its chat: 1, 2, 3 ... strictly increasing by one, no gaps.' })
  seq: number;

  @Field(() => MessageKind)
  kind: MessageKind;

  senderId: string | null;

  @Field()
  body: string;

  @Field(() => String, {
    nullable: true,
    description: 'The sender\'s own id for this message, echoed back (see SendMessageInput).',
  })
  clientMessageId: string | null;

  @Field(() => DateTimeISOResolver)
  createdAt: Date;

  @Field(() => MessageNotice, {
    nullable: true,
    description: 'What a SYSTEM message says happened, for clients to word in their own language; null for other kinds (and SYSTEM messages older than it).',
  })
  notice: MessageNoticeRow | null;
}

@ObjectType('Chat', { simpleResolvers: true })
export class Chat implements ChatRow {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  subject: string | null;

  @Field(() => ChatStatus)
  status: ChatStatus;

  customerId: string;
  agentId: string | null;
  lastSeq: number;

  @Field({
    description: 'True while the bot answers this chat; false once a human is asked for or an agent accepts it.',
  })
  botActive: boolean;

  @Field(() => DateTimeISOResolver)
  createdAt: Date;

  @Field(() => DateTimeISOResolver, { description: 'Time of the last message or status change.' })
  updatedAt: Date;

  @Field(() => DateTimeISOResolver, { nullable: true })
  closedAt: Date | null;
}

@ObjectType('PageInfo', { simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field()
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

@ObjectType('MessageEdge', { simpleResolvers: true })
export class MessageEdge {
  @Field()
  cursor: string;

  @Field(() => Message)
  node: MessageRow;
}

@ObjectType('MessageConnection', { simpleResolvers: true })
export class MessageConnection {
  @Field(() => [MessageEdge])
  edges: MessageEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ObjectType('ChatEdge', { simpleResolvers: true })
export class ChatEdge {
  @Field()
  cursor: string;

  @Field(() => Chat)
  node: ChatRow;
}

@ObjectType('ChatConnection', { simpleResolvers: true })
export class ChatConnection {
  @Field(() => [ChatEdge])
  edges: ChatEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

/** What the typing topic carries; the user is resolved when delivered. */
export interface TypingPayload {
  chatId: string;
  userId: string;
  typing: boolean;
}

@ObjectType('TypingEvent', { simpleResolvers: true })
export class TypingEvent {
  @Field(() => ID)
  chatId: string;

  @Field(() => User)
  user: User;

  @Field()
  typing: boolean;
}
