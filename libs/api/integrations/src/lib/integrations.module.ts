import { defineModule, type PubSub } from '@parley/api/core';
import { CHAT_SERVICE } from '@parley/api/chat';
import { JOB_QUEUE } from '@parley/api/jobs';
import { AddressGuard } from './address-guard';
import { WebhookDeliverer } from './webhook.delivery';
import { SecretBox } from './secret-box';
import { INTEGRATION_ENTITIES } from './webhook.entity';
import { WebhookOutbox } from './webhook.outbox';
import { WebhookRepository } from './webhook.repository';
import { WebhookFieldResolver, WebhookResolver } from './webhook.resolver';
import { WebhookService } from './webhook.service';
import { WEBHOOKS_CHANGED, WebhookSubscriptions, type WebhookTopics } from './webhook.subscriptions';

/** Webhooks: the outbox in the chat's transactions, signed at-least-once delivery on the job queue, the admins' API. */
export const integrationsModule = defineModule({
  name: 'integrations',
  entities: INTEGRATION_ENTITIES,
  resolvers: [WebhookResolver, WebhookFieldResolver],
  topics: [WEBHOOKS_CHANGED],
  async create({ config, dataSource, pubsub, logger, services }) {
    const repository = new WebhookRepository(dataSource, SecretBox.fromConfig(config), config.publicUrl ?? '');
    const guard = new AddressGuard(config.production);
    const subscriptions = new WebhookSubscriptions(repository, pubsub as PubSub<WebhookTopics>);
    const delivery = new WebhookDeliverer(repository, services.get(JOB_QUEUE), guard, logger);
    await delivery.attach();
    services.get(CHAT_SERVICE).events.use(new WebhookOutbox(repository, subscriptions, (chatId) => delivery.kick(chatId)));
    // A resumed webhook's waiting lanes start at once (at most a thousand chats here; the sweep starts the rest).
    const webhooks = new WebhookService(repository, subscriptions, guard, config.production, async (webhookId) => {
      for (const chatId of await repository.pendingChats(webhookId, 1000)) delivery.kick(chatId);
    });
    return {
      resolvers: [new WebhookResolver(webhooks), new WebhookFieldResolver(webhooks)],
      async start() {
        // Secrets kept in plaintext by earlier versions are sealed before anything is delivered.
        const sealed = await repository.sealPlaintextSecrets();
        if (sealed) logger.info({ webhooks: sealed }, 'webhook signing secrets encrypted at rest');
        // Secrets an earlier key sealed (WEBHOOK_SECRET_KEY_PREVIOUS, or the JWT-derived key) move to the current key.
        const resealed = await repository.resealWithCurrentKey();
        if (resealed) logger.info({ webhooks: resealed }, 'webhook signing secrets sealed again with the current WEBHOOK_SECRET_KEY');
        const unreadable = await repository.sealedWithAnotherKey();
        if (unreadable) logger.error({ webhooks: unreadable }, 'webhook secrets sealed with another key: their deliveries fail until the key that sealed them is restored (WEBHOOK_SECRET_KEY, or listed in WEBHOOK_SECRET_KEY_PREVIOUS) or the webhooks get new secrets (rotateWebhookSecret)');
        await subscriptions.start();
        await delivery.start();
      },
      async stop() {
        subscriptions.stop();
      },
    };
  },
});
