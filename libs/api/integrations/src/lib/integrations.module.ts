import { defineModule, type PubSub } from '@parley/api/core';
import { CHAT_SERVICE } from '@parley/api/chat';
import { JOB_QUEUE } from '@parley/api/jobs';
import { AddressGuard } from './address-guard';
import { WebhookDeliverer } from './webhook.delivery';
import { SecretBox } from './secret-box';
import { INTEGRATION_ENTITIES } from './webhook.entity';
import { WebhookOutbox } from './webhook.outbox';
import { WebhookRepository } from './webhook.repository';
import { WebhookResolver } from './webhook.resolver';
import { WebhookService } from './webhook.service';
import { WEBHOOKS_CHANGED, WebhookSubscriptions, type WebhookTopics } from './webhook.subscriptions';

/** Webhooks: the outbox in the chat's transactions, signed at-least-once delivery on the job queue, the admins' API. */
export const integrationsModule = defineModule({
  name: 'integrations',
  entities: INTEGRATION_ENTITIES,
  resolvers: [WebhookResolver],
  topics: [WEBHOOKS_CHANGED],
  async create({ config, dataSource, pubsub, logger, services }) {
    const repository = new WebhookRepository(dataSource, SecretBox.fromConfig(config), config.publicUrl ?? '');
    const guard = new AddressGuard(config.production);
    const subscriptions = new WebhookSubscriptions(repository, pubsub as PubSub<WebhookTopics>);
    const delivery = new WebhookDeliverer(repository, services.get(JOB_QUEUE), guard, logger);
    await delivery.attach();
    services.get(CHAT_SERVICE).events.use(new WebhookOutbox(repository, subscriptions, (chatId) => delivery.kick(chatId)));
    const webhooks = new WebhookService(repository, subscriptions, guard, config.production);
    return {
      resolvers: [new WebhookResolver(webhooks)],
      async start() {
        // Secrets kept in plaintext by earlier versions are sealed before anything is delivered.
        const sealed = await repository.sealPlaintextSecrets();
        if (sealed) logger.info({ webhooks: sealed }, 'webhook signing secrets encrypted at rest');
        const unreadable = await repository.sealedWithAnotherKey();
        if (unreadable) logger.error({ webhooks: unreadable }, 'webhook secrets sealed with another key: their deliveries fail until WEBHOOK_SECRET_KEY (or JWT_SECRET) is restored or the webhooks are created again');
        await subscriptions.start();
        await delivery.start();
      },
      async stop() {
        subscriptions.stop();
      },
    };
  },
});
