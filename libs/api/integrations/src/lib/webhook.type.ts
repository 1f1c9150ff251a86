import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';

@ObjectType('Webhook', { simpleResolvers: true })
export class Webhook {
  @Field(() => ID)
  id: string;

  @Field()
  url: string;

  @Field(() => [String], { description: 'Event types sent to it, e.g. chat.created, chat.updated, message.created.' })
  events: string[];

  @Field()
  active: boolean;

  @Field(() => DateTimeISOResolver)
  createdAt: Date;
}

@ObjectType('WebhookCreated', { simpleResolvers: true })
export class WebhookCreated {
  @Field(() => Webhook)
  webhook: Webhook;

  @Field({ description: 'The signing secret, shown this once: whsec_ followed by base64.' })
  secret: string;
}

@ObjectType('WebhookDelivery', { simpleResolvers: true })
export class WebhookDelivery {
  @Field(() => ID)
  id: string;

  @Field({ description: "The webhook-id header's value; the same for every attempt of one event." })
  messageId: string;

  @Field()
  event: string;

  @Field(() => Int, { nullable: true, description: "The last attempt's HTTP status; null if it got none." })
  status: number | null;

  @Field(() => Int)
  attempts: number;

  @Field(() => DateTimeISOResolver, { nullable: true })
  deliveredAt: Date | null;

  @Field(() => DateTimeISOResolver)
  createdAt: Date;
}
