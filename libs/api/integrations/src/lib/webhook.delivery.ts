import { defineQueue, type JobQueue } from '@parley/api/jobs';
import type { ModuleLogger } from '@parley/api/core';
import type { AddressGuard } from './address-guard';
import type { WebhookRepository } from './webhook.repository';
import { deliver, type DeliveryOutcome, type DeliveryRequest } from './webhook.sender';

/**
 * One job per chat with deliveries to make ('short': at most one waits per
 * chat; a kick while one waits only moves it earlier). Its run drains every
 * webhook's lane of that chat; what must wait (a retry) is a later job.
 */
export const webhookChatQueue = defineQueue<{ chatId: string }>('webhook-chat', {
  policy: 'short',
  // Only for a run that failed as a whole (the database away): deliveries' own retries are new jobs.
  retry: { limit: 50, delaySeconds: 5, backoff: true, maxDelaySeconds: 300 },
  expireInSeconds: 300,
});

/** The safety net: finds chats whose deliveries are overdue with no job on them, and starts one. */
export const webhookSweepQueue = defineQueue<{ reason: string }>('webhook-sweep', {
  policy: 'short',
  retry: { limit: 10, delaySeconds: 10, backoff: true, maxDelaySeconds: 300 },
  expireInSeconds: 120,
});

export interface DeliveryOptions {
  /** The first retry's wait; each next one doubles, up to maxRetrySeconds. */
  firstRetrySeconds: number;
  maxRetrySeconds: number;
  /** An event still failing this long after it happened is given up (and the next of its chat goes). */
  giveUpAfterSeconds: number;
  /** How long one attempt holds its delivery: longer than the HTTP timeout. */
  leaseSeconds: number;
  /** Deliveries one run makes per lane before it hands over to a new job. */
  perRun: number;
  sweepEverySeconds: number;
  /** Delivered and given-up events stay in the log this long. */
  keepLogDays: number;
  timeoutMs?: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  firstRetrySeconds: 2,
  maxRetrySeconds: 3600,
  giveUpAfterSeconds: 24 * 3600,
  leaseSeconds: 30,
  perRun: 20,
  sweepEverySeconds: 60,
  keepLogDays: 30,
};

/**
 * The wait after the n-th failed attempt: 2 s (plus at most one polling
 * interval of the queue, so the first retry comes within 5 s), then doubling
 * to an hour. With the give-up age of 24 hours that is 30-odd retries.
 */
export function retryDelaySeconds(attempts: number, options: Pick<DeliveryOptions, 'firstRetrySeconds' | 'maxRetrySeconds'> = DEFAULT_DELIVERY_OPTIONS): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(options.firstRetrySeconds * 2 ** exponent, options.maxRetrySeconds);
}

/** An attempt's sender; the real one posts over HTTP(S). */
export type Sender = (request: DeliveryRequest) => Promise<DeliveryOutcome>;

/**
 * At-least-once delivery from the outbox, in order per chat and webhook. A
 * lane's next delivery is taken under a lease in one statement, so two
 * workers (or instances) never send one attempt at once, and a later event
 * is never taken while an earlier one waits for its retry.
 */
export class WebhookDeliverer {
  private readonly options: DeliveryOptions;
  private readonly send: Sender;

  constructor(
    private readonly repository: WebhookRepository,
    private readonly jobs: JobQueue,
    guard: AddressGuard,
    private readonly logger: Pick<ModuleLogger, 'warn' | 'info'>,
    options: Partial<DeliveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_DELIVERY_OPTIONS, ...options };
    this.send = (request) => deliver(request, guard, this.options.timeoutMs);
  }

  /** Registers the workers (before the job queue starts). */
  async attach(): Promise<void> {
    await this.jobs.work(webhookChatQueue, (payload) => this.runChat(payload.chatId), { workers: 2, batchSize: 4 });
    await this.jobs.work(webhookSweepQueue, () => this.sweep());
  }

  /** After the queue started: a sweep now (what a stop left behind goes out at once), and from then on every sweepEverySeconds. */
  async start(): Promise<void> {
    await this.jobs.sendOrHasten(webhookSweepQueue, { reason: 'start' }, { singletonKey: 'sweep' });
  }

  /** Starts delivery for a chat now (after a commit); a failure here is caught up by the sweep. */
  kick(chatId: string): void {
    this.jobs.sendOrHasten(webhookChatQueue, { chatId }, { singletonKey: chatId }).catch((error: Error) => {
      this.logger.warn({ err: error.message, chatId }, 'webhook delivery not started; the sweep will');
    });
  }

  /** One job's run: each webhook's lane of the chat, side by side; then a job for the earliest wait left. */
  async runChat(chatId: string): Promise<void> {
    const webhooks = await this.repository.pendingWebhooks(chatId);
    const waits = await Promise.all(webhooks.map((webhookId) => this.drainLane(webhookId, chatId)));
    const next = waits.filter((w): w is Date => w !== null).sort((a, b) => a.getTime() - b.getTime())[0];
    if (next) await this.jobs.sendOrHasten(webhookChatQueue, { chatId }, { singletonKey: chatId, startAt: next });
  }

  /** Delivers the lane's events in order until it is empty (null) or must wait (until when). */
  async drainLane(webhookId: string, chatId: string): Promise<Date | null> {
    for (let i = 0; i < this.options.perRun; i++) {
      const claimed = await this.repository.claimHead(webhookId, chatId, this.options.leaseSeconds);
      if (!claimed) {
        const head = await this.repository.head(webhookId, chatId);
        if (!head) return null;
        const now = new Date(head.now).getTime();
        // Held by another worker: look again once its lease ends (should that worker have died).
        if (head.leaseUntil && new Date(head.leaseUntil).getTime() > now) return new Date(new Date(head.leaseUntil).getTime() + 1000);
        return new Date(Math.max(new Date(head.nextAttemptAt).getTime(), Date.now()));
      }
      const body = JSON.stringify({ type: claimed.event, timestamp: new Date(claimed.occurredAt).toISOString(), data: claimed.data });
      const outcome: DeliveryOutcome =
        claimed.secret === null
          ? { ok: false, status: null, error: claimed.secretError }
          : await this.send({ url: claimed.url, secret: claimed.secret, messageId: claimed.messageId, body });
      if (outcome.ok) {
        await this.repository.delivered(claimed.id, claimed.attempts, outcome.status as number);
        continue;
      }
      const settled = await this.repository.failed(
        claimed.id,
        claimed.attempts,
        outcome,
        retryDelaySeconds(claimed.attempts, this.options),
        this.options.giveUpAfterSeconds,
      );
      if (settled?.state === 'failed') {
        this.logger.warn({ webhookId, delivery: claimed.id, event: claimed.event }, 'webhook delivery given up after its retries');
        continue;
      }
      return settled ? new Date(settled.nextAttemptAt) : new Date();
    }
    // More to send: a fresh job carries on (other chats' jobs get their turn in between).
    return new Date();
  }

  /** Starts jobs for overdue chats, trims the log, then books the next sweep. */
  async sweep(): Promise<void> {
    const overdue = await this.repository.overdueChats(this.options.sweepEverySeconds / 2, 500);
    for (const chatId of overdue) await this.jobs.sendOrHasten(webhookChatQueue, { chatId }, { singletonKey: chatId });
    if (overdue.length) this.logger.info({ chats: overdue.length }, 'webhook deliveries restarted by the sweep');
    await this.repository.prune(this.options.keepLogDays, 1000);
    await this.jobs.sendOrHasten(webhookSweepQueue, { reason: 'every' }, { singletonKey: 'sweep', startAt: new Date(Date.now() + this.options.sweepEverySeconds * 1000) });
  }
}
