import type { AdminWebhookDeliveryFragment } from '../generated/graphql';

/**
 * The event types a webhook may take, in the order the screen offers them.
 * The API checks them again (BAD_USER_INPUT on one it does not know).
 */
export const WEBHOOK_EVENTS = ['chat.created', 'chat.updated', 'message.created', 'chat.rated'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** Where one delivery stands: sent and accepted, not tried yet, or tried without a 2xx answer. */
export type DeliveryOutcome = 'delivered' | 'waiting' | 'failing';

export function deliveryOutcome(delivery: Pick<AdminWebhookDeliveryFragment, 'deliveredAt' | 'attempts'>): DeliveryOutcome {
  if (delivery.deliveredAt) return 'delivered';
  return delivery.attempts ? 'failing' : 'waiting';
}

/** The checked event types of a form, in the screen's order, unknown names left out. */
export function chosenEvents(data: FormData): WebhookEventType[] {
  const chosen = new Set(data.getAll('events').map(String));
  return WEBHOOK_EVENTS.filter((e) => chosen.has(e));
}
