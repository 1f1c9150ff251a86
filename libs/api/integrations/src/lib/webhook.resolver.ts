import DataLoader from 'dataloader';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireViewer, Role, scopedValue, type RequestContext } from '@parley/api/core';
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

  @Mutation(() => Webhook, {
    description:
      'Admins: changes what is given and keeps the rest. url is checked as createWebhook checks it; active false pauses it\n(no new deliveries are written; waiting ones hold until it is active again).',
  })
  updateWebhook(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('url', () => String, { nullable: true }) url?: string | null,
    @Arg('events', () => [String], { nullable: true }) events?: string[] | null,
    @Arg('active', () => Boolean, { nullable: true }) active?: boolean | null,
  ): Promise<WebhookRow> {
    return this.service.update(requireViewer(ctx), id, { url, events, active });
  }

  @Mutation(() => WebhookCreated, {
    description: 'Admins: a new signing secret, shown this once; deliveries are signed with it from now on, never again with the old one.',
  })
  rotateWebhookSecret(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<{ webhook: WebhookRow; secret: string }> {
    return this.service.rotateSecret(requireViewer(ctx), id);
  }

  @Mutation(() => Boolean)
  deleteWebhook(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return this.service.delete(requireViewer(ctx), id);
  }
}

const LAST_DELIVERY_LOADER = Symbol('lastWebhookDelivery');

/** Fields of Webhook read from its log: every webhook of a request in one statement. */
@Authorized(Role.ADMIN)
@Resolver(() => Webhook)
export class WebhookFieldResolver {
  constructor(private readonly service: WebhookService) {}

  @FieldResolver(() => WebhookDelivery, {
    nullable: true,
    description: 'Admins: the newest delivery (of the last 30 days kept), as webhookDeliveries(first: 1) gives it; null when there is none.',
  })
  lastDelivery(@Root() webhook: WebhookRow, @Ctx() ctx: RequestContext): Promise<DeliveryRow | null> {
    const viewer = requireViewer(ctx);
    const loader = scopedValue(
      ctx,
      LAST_DELIVERY_LOADER,
      () =>
        new DataLoader<string, DeliveryRow | null>(async (ids) => {
          const last = await this.service.lastDeliveries(viewer, ids);
          return ids.map((id) => last.get(id) ?? null);
        }, { cache: false }),
    );
    return loader.load(webhook.id);
  }
}
