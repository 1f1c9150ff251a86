import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { requireViewer, Role, type RequestContext } from '@parley/api/core';
import type { DeliveryRow, WebhookRow } from './webhook.repository';
import type { WebhookService } from './webhook.service';
import { Webhook, WebhookCreated, WebhookDelivery } from './webhook.type';

/** Webhooks for admins: thin, the service decides (and checks the role again). */
@Authorized(Role.ADMIN)
@Resolver()
export class WebhookResolver {
  constructor(private readonly service: WebhookService) {}

  @Query(() => [Webhook], { description: 'Admins.' })
  webhooks(@Ctx() ctx: RequestContext): Promise<WebhookRow[]> {
    return this.service.list(requireViewer(ctx));
  }

  @Query(() => [WebhookDelivery], { description: 'Admins: the newest deliveries first.' })
  webhookDeliveries(
    @Ctx() ctx: RequestContext,
    @Arg('webhookId', () => ID) webhookId: string,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
  ): Promise<DeliveryRow[]> {
    return this.service.deliveries(requireViewer(ctx), webhookId, first);
  }

  @Mutation(() => WebhookCreated, { description: 'Admins.' })
  createWebhook(
    @Ctx() ctx: RequestContext,
    @Arg('url', () => String) url: string,
    @Arg('events', () => [String]) events: string[],
  ): Promise<{ webhook: WebhookRow; secret: string }> {
    return this.service.create(requireViewer(ctx), url, events);
  }

  @Mutation(() => Boolean)
  deleteWebhook(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return this.service.delete(requireViewer(ctx), id);
  }
}
