import type { QueryRunner } from 'typeorm';
import type { ChatEvent, ChatEventType, ChatOutbox } from '@parley/api/chat';
import type { WebhookRepository } from './webhook.repository';
import type { WebhookSubscriptions } from './webhook.subscriptions';

/** The chat domain's outbox, as webhooks fill it: rows in the chat's transaction, a delivery job after the commit. */
export class WebhookOutbox implements ChatOutbox {
  constructor(
    private readonly repository: WebhookRepository,
    private readonly subscriptions: WebhookSubscriptions,
    private readonly kick: (chatId: string) => void,
  ) {}

  wants(type: ChatEventType): boolean {
    return this.subscriptions.wants(type);
  }

  write(runner: QueryRunner, chatId: string, events: ChatEvent[]): Promise<void> {
    return this.repository.writeEvents(runner, chatId, events);
  }

  sendStatementPart(names: { message: string; chat: string }): string {
    return this.repository.sendStatementPart(names);
  }

  committed(chatId: string): void {
    if (this.subscriptions.any()) this.kick(chatId);
  }
}
