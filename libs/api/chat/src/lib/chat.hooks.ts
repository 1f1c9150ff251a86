import type { QueryRunner } from 'typeorm';
import { badUserInput } from '@parley/api/core';
import type { WithMessage } from './chat.repository';
import type { AppliedTransition, ChatTransition, ChatTransitions, TransitionHooks } from './chat.transitions';
import { MessageKind, type ChatRow, type MessageRow } from './chat.type';
import type { MessageAttachments } from './message-attachments';

/** Called after a customer's message is committed and published (the answering bot listens). */
export type CustomerMessageListener = (message: MessageRow, chat?: Pick<ChatRow, 'status' | 'botActive'>) => Promise<void>;

/** Called after an agent's or admin's message is committed and published (email to an away customer listens). */
export type AgentMessageListener = (message: MessageRow) => Promise<void>;
/** Called after this instance committed and published a change of a chat (started, a state change): once per change, whichever instance. */
export type ChatChangeListener = (chat: ChatRow) => Promise<void>;

/**
 * What another domain does inside every assignment's transaction (the team:
 * the agent's capacity lock, and why they have the chat). acceptChat calls it;
 * routing and transfers do their own.
 */
export interface AssignmentRecorder {
  /** Before the chat's row changes: locks the agent's capacity so auto-assignment counts this chat. */
  lockAgent(runner: QueryRunner, agentId: string): Promise<void>;
  /** After: why the agent has the chat. */
  record(runner: QueryRunner, chatId: string, agentId: string, reason: string): Promise<void>;
}

/**
 * Where the domains built on chats plug in: whether a bot answers (assist),
 * the team's part in accepting and its own state changes (team), files on
 * messages (attachments), and listeners that hear of messages and changes
 * once they are committed (the bot, email, routing). The chat service's rules
 * call the other side of each: `botActive`, `acceptHooks`, `attaching`,
 * `messageSent`, `chatChanged`.
 */
export class ChatHooks {
  private readonly customerMessageListeners: CustomerMessageListener[] = [];
  private readonly agentMessageListeners: AgentMessageListener[] = [];
  private readonly chatChangeListeners: ChatChangeListener[] = [];
  private assignments?: AssignmentRecorder;
  private attachments?: MessageAttachments;
  // No bot unless a domain that has one says so (assist: when the knowledge base has articles).
  private botAnswers: () => Promise<boolean> = async () => false;

  constructor(private readonly transitions: ChatTransitions) {}

  // ---------------------------------------------------------------- what other domains call

  /** Whether a new chat starts with the bot answering (the contract: no articles, no bot; the chat needs a person at once). */
  useBot(answers: () => Promise<boolean>): void {
    this.botAnswers = answers;
  }

  /** The team records assignments (capacity lock, reason) inside acceptChat's transaction. */
  useAssignmentRecorder(recorder: AssignmentRecorder): void {
    this.assignments = recorder;
  }

  /** Lets the attachments domain take part in sending (it registers itself at start). */
  useAttachments(attachments: MessageAttachments): void {
    this.attachments = attachments;
  }

  /** A state change through the one transition helper, with another domain's work in its transaction; published once committed. */
  transition<A>(chatId: string, transition: ChatTransition<A>, args: A, hooks: TransitionHooks = {}): Promise<ChatRow | null> {
    return this.transitions.apply(chatId, transition, args, hooks);
  }

  /** The same inside the caller's transaction; hand the result to publishTransition after commit. */
  transitionIn<A>(runner: QueryRunner, chatId: string, transition: ChatTransition<A>, args: A): Promise<AppliedTransition | null> {
    return this.transitions.applyIn(runner, chatId, transition, args);
  }

  /** transitionIn for many chats in a few statements (no `from` in the arguments); the ones whose guard fails are left out. */
  transitionManyIn<A>(runner: QueryRunner, transition: ChatTransition<A>, items: ReadonlyArray<{ chatId: string; args: A }>): Promise<AppliedTransition[]> {
    return this.transitions.applyManyIn(runner, transition, items);
  }

  publishTransition(result: AppliedTransition): Promise<void> {
    return this.transitions.published(result);
  }

  /** Hears of every chat this instance started or changed, after it is published (routing: capacity freed, a chat waits). */
  onChatChanged(listener: ChatChangeListener): void {
    this.chatChangeListeners.push(listener);
  }

  /** Registers a listener for customers' messages; it runs after the send has returned, and its failure never fails the send. */
  onCustomerMessage(listener: CustomerMessageListener): void {
    this.customerMessageListeners.push(listener);
  }

  /** Registers a listener for agents' (and admins') messages, run like onCustomerMessage's. */
  onAgentMessage(listener: AgentMessageListener): void {
    this.agentMessageListeners.push(listener);
  }

  // ---------------------------------------------------------------- what the chat service calls

  /** Whether a chat started now has the bot answering. */
  botActive(): Promise<boolean> {
    return this.botAnswers();
  }

  /** The team's work inside acceptChat's transaction: the agent's capacity lock before, why they have it after. */
  acceptHooks(chatId: string, agentId: string): TransitionHooks {
    const recorder = this.assignments;
    if (!recorder) return {};
    return { before: (runner) => recorder.lockAgent(runner, agentId), after: (runner) => recorder.record(runner, chatId, agentId, 'accepted') };
  }

  /** The work that names a message's uploads in its transaction; undefined when it names none. */
  attaching(senderId: string, uploadIds: readonly string[] | null | undefined): WithMessage | undefined {
    if (!uploadIds?.length) return undefined;
    const attachments = this.attachments;
    if (!attachments) throw badUserInput([{ field: 'attachmentIds', message: 'attachments are not available on this server' }]);
    return (runner, _chat, message) => attachments.claim(runner, message, senderId, uploadIds);
  }

  /** A message is committed and published: its listeners run after the answer, never failing it. */
  messageSent(message: MessageRow, chat?: Pick<ChatRow, 'status' | 'botActive'>): void {
    if (message.kind === MessageKind.AGENT) {
      for (const listener of this.agentMessageListeners) setImmediate(() => void listener(message).catch(() => undefined));
    }
    if (message.kind !== MessageKind.CUSTOMER) return;
    for (const listener of this.customerMessageListeners) {
      // Listeners log their own failures; this catch only keeps a rejection from going unhandled.
      setImmediate(() => void listener(message, chat).catch(() => undefined));
    }
  }

  /** A change of a chat is committed and published. */
  chatChanged(chat: ChatRow): void {
    for (const listener of this.chatChangeListeners) {
      // After the answer, never failing it: listeners log their own failures (this catch only keeps a rejection handled).
      setImmediate(() => void listener(chat).catch(() => undefined));
    }
  }
}
