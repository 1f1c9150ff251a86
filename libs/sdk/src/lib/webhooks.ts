import type { ChatStatus, MessageKind } from '../generated/graphql.js';

// The bodies Parley POSTs to a webhook endpoint (the main README's Webhooks
// section). Verify the signature over the raw body before trusting any of it
// (a Standard Webhooks library does); then `JSON.parse(body) as WebhookEvent`.

export type WebhookEventType = WebhookEvent['type'];

/** A chat as it was when the event happened. Times are ISO 8601 in UTC. */
export interface WebhookChat {
  id: string;
  status: ChatStatus;
  subject: string | null;
  customerId: string;
  agentId: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** A file on a message: the fields of the schema's Attachment, with absolute URLs (download them with the token of someone who may read the chat). */
export interface WebhookAttachment {
  id: string;
  name: string;
  /** Detected from the file's bytes. */
  contentType: string;
  size: number;
  url: string;
  /** Images only; null otherwise. */
  width: number | null;
  height: number | null;
  thumbnailUrl: string | null;
}

/** A message a customer can see (never an agents-only note). */
export interface WebhookMessage {
  id: string;
  chatId: string;
  seq: number;
  kind: MessageKind;
  body: string;
  senderId: string | null;
  createdAt: string;
  /** In the order the message named them; empty when it has none. */
  attachments: WebhookAttachment[];
}

interface Envelope<T extends string, D> {
  type: T;
  /** When the change happened (ISO 8601). */
  timestamp: string;
  data: D;
}

/** One delivery's body, by its `type`. */
export type WebhookEvent =
  | Envelope<'chat.created' | 'chat.updated', { chat: WebhookChat }>
  | Envelope<'message.created', { chat: WebhookChat; message: WebhookMessage }>
  | Envelope<'chat.rated', { chat: WebhookChat & { rating: number | null; ratingComment: string | null } }>;
