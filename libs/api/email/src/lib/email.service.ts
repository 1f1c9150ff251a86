import { isEmail } from 'class-validator';
import {
  badUserInput,
  forbidden,
  isStaff,
  notFound,
  Role,
  type ModuleLogger,
  type RateLimits,
  type Viewer,
} from '@parley/api/core';
import { isUuid } from '@parley/api/core';
import { defineQueue, type JobQueue } from '@parley/api/jobs';
import { PASSWORD_RESET_TTL_SECONDS, type AuthPayload, type AuthService } from '@parley/api/auth';
import { LIMITS } from '@parley/shared/limits';
import type { MessageRow } from '@parley/api/chat';
import type { Mailer } from './mailer';
import { EmailRepository, type EmailMessage } from './email.repository';
import { awayReplyEmail, passwordResetEmail, transcriptEmail, transcriptFile, type TranscriptLine } from './email-templates';
import type { CustomerPresence } from './customer-presence';

/** At most one reply email per chat in this many seconds. */
export const AWAY_REPLY_WINDOW_SECONDS = 300;

const retry = { limit: 8, delaySeconds: 10, backoff: true, maxDelaySeconds: 1800 };
/** Password reset emails, looked up and sent off the request path. */
export const passwordResetQueue = defineQueue<{ email: string }>('email-password-reset', { retry, expireInSeconds: 120 });
export const transcriptQueue = defineQueue<{ chatId: string }>('email-transcript', { retry, expireInSeconds: 120 });
/** One waiting and one running job per chat (singletonKey = chat id): replies coming fast share one email. */
export const awayReplyQueue = defineQueue<{ chatId: string }>('email-away-reply', { policy: 'stately', retry, expireInSeconds: 120 });

export interface EmailSettings {
  /** The site's address, for links. */
  publicUrl: string;
}

/**
 * Parley's emails: password reset links, transcripts on request and agents'
 * replies to customers who are away. Everything is sent by jobs on the one
 * queue, so a request never waits for SMTP and a failed send is retried.
 * Without a mailer (no SMTP_URL) nothing is sent and every operation says so.
 */
export class EmailService {
  private readonly repository: EmailRepository;

  constructor(
    dataSource: ConstructorParameters<typeof EmailRepository>[0],
    private readonly mailer: Mailer | undefined,
    private readonly jobs: JobQueue,
    private readonly auth: AuthService,
    private readonly presence: CustomerPresence,
    private readonly limits: RateLimits,
    private readonly logger: ModuleLogger,
    private readonly settings: EmailSettings,
  ) {
    this.repository = new EmailRepository(dataSource);
  }

  get enabled(): boolean {
    return this.mailer !== undefined;
  }

  /** Registers the jobs' handlers (before the queue starts). */
  async attach(): Promise<void> {
    if (!this.mailer) return;
    await this.jobs.work(passwordResetQueue, ({ email }) => this.sendPasswordReset(email));
    await this.jobs.work(transcriptQueue, ({ chatId }) => this.sendTranscript(chatId));
    await this.jobs.work(awayReplyQueue, ({ chatId }) => this.sendAwayReply(chatId), { workers: 2 });
  }

  // ------------------------------------------------------------ password reset

  /**
   * Always the same answer, in the same steps, whether or not the address has
   * an account: the input is checked, then a job is queued; only the job
   * looks the account up. False only when this server sends no email at all.
   */
  async requestPasswordReset(email: string): Promise<boolean> {
    const address = email.trim().toLowerCase();
    if (address.length > LIMITS.emailMax || !isEmail(address)) throw badUserInput([{ field: 'email', message: 'must be a valid email address' }]);
    if (!this.mailer) return false;
    try {
      await this.limits.consume('passwordResetPerEmail', address);
    } catch {
      // Over the address's allowance: the same answer, and nothing sent (no mailbox flooding, nothing learnt).
      return true;
    }
    await this.jobs.send(passwordResetQueue, { email: address });
    return true;
  }

  resetPassword(token: string, password: string): Promise<AuthPayload> {
    if (!this.mailer) throw badUserInput([{ field: 'token', message: 'this server sends no email, so it has no reset links' }]);
    return this.auth.resetPassword(token, password);
  }

  private async sendPasswordReset(email: string): Promise<void> {
    const account = await this.auth.resets.accountFor(email);
    if (!account || !this.mailer) return;
    const token = await this.auth.resets.issue(account.id);
    // The token in the fragment: browsers never send it to a server, so no log or Referer holds it.
    const link = `${this.settings.publicUrl}/reset-password#token=${token}`;
    await this.mailer.send({ to: account.email, kind: 'password-reset', ...passwordResetEmail(account.displayName, link, PASSWORD_RESET_TTL_SECONDS / 60) });
  }

  // ------------------------------------------------------------ transcripts

  /** The chat's customer only; BAD_USER_INPUT when they have no address. False when this server sends no email. */
  async emailTranscript(viewer: Viewer, chatId: string): Promise<boolean> {
    if (!isUuid(chatId)) throw notFound('chat');
    const chat = await this.repository.chat(chatId);
    if (!chat) throw notFound('chat');
    if (viewer.role !== Role.CUSTOMER || chat.customerId !== viewer.id) throw forbidden("Only the chat's customer may have its transcript emailed.");
    if (!chat.customerEmail) throw badUserInput([{ field: 'chatId', message: 'your account has no email address to send the transcript to' }]);
    if (!this.mailer) return false;
    await this.jobs.send(transcriptQueue, { chatId });
    return true;
  }

  /**
   * The chat's transcript as a text file: for its customer, or anyone of the
   * team. Only the kinds a customer sees (CUSTOMER_VISIBLE_KINDS): agents'
   * notes are never in it, whoever asks.
   */
  async transcriptDownload(viewer: Viewer, chatId: string): Promise<{ fileName: string; text: string }> {
    if (!isUuid(chatId)) throw notFound('chat');
    const chat = await this.repository.chat(chatId);
    if (!chat) throw notFound('chat');
    if (!isStaff(viewer.role) && chat.customerId !== viewer.id) throw forbidden('You may not see this chat.');
    const messages = await this.repository.visibleMessages(chatId);
    const now = new Date();
    return { fileName: `transcript-${now.toISOString().slice(0, 10)}-${chatId.slice(0, 8)}.txt`, text: transcriptFile(chat.subject, messages.map(toLine), now) };
  }

  private async sendTranscript(chatId: string): Promise<void> {
    const chat = await this.repository.chat(chatId);
    if (!chat?.customerEmail || !this.mailer) return;
    const messages = await this.repository.visibleMessages(chatId);
    const rendered = transcriptEmail(chat.subject, messages.map(toLine), this.chatLink(chatId));
    await this.mailer.send({ to: chat.customerEmail, kind: 'transcript', ...rendered });
  }

  // ------------------------------------------------------------ replies to away customers

  /** An agent replied: when the customer has an address and no socket open, a job emails them (at most once per window). */
  async agentReplied(message: MessageRow): Promise<void> {
    if (!this.mailer) return;
    const chat = await this.repository.chat(message.chatId);
    if (!chat?.customerEmail || (await this.presence.present(chat.customerId))) return;
    await this.jobs.send(awayReplyQueue, { chatId: chat.id }, { singletonKey: chat.id });
  }

  /**
   * The job: emails the agent's replies the customer has not been told of,
   * unless the chat had one within the window (then it waits for the window's
   * end) or the customer is back (they saw them live).
   */
  private async sendAwayReply(chatId: string): Promise<void> {
    const chat = await this.repository.chat(chatId);
    if (!chat?.customerEmail || !this.mailer) return;
    const state = await this.repository.awayState(chatId);
    const next = state.lastEmailAt ? state.lastEmailAt.getTime() + AWAY_REPLY_WINDOW_SECONDS * 1000 : 0;
    if (next > Date.now()) {
      await this.jobs.send(awayReplyQueue, { chatId }, { singletonKey: chatId, startAt: new Date(next) });
      return;
    }
    const replies = await this.repository.visibleMessages(chatId, { afterSeq: state.notifiedSeq, kinds: ['AGENT'], limit: 50 });
    if (!replies.length) return;
    const lastSeq = replies[replies.length - 1].seq;
    if (await this.presence.present(chat.customerId)) {
      await this.repository.recordNotified(chatId, lastSeq, false);
      return;
    }
    await this.mailer.send({ to: chat.customerEmail, kind: 'away-reply', ...awayReplyEmail(chat.subject, replies.map(toLine), this.chatLink(chatId)) });
    await this.repository.recordNotified(chatId, lastSeq, true);
    this.logger.debug({ chatId, replies: replies.length }, 'away reply emailed');
  }

  private chatLink(chatId: string): string {
    return `${this.settings.publicUrl}/chats/${chatId}`;
  }
}

function toLine(message: EmailMessage): TranscriptLine {
  const author = message.kind === 'SYSTEM' ? null : message.kind === 'BOT' ? 'Bot' : (message.senderName ?? 'Someone');
  return { at: message.createdAt, author, body: message.body };
}
