// @parley/sdk: a typed client for the Parley live-chat API.
export { ParleyClient, ChatSubscription } from './lib/client.js';
export type { ParleyClientOptions, RequestOptions, ChatSubscriptionOptions, Message, Chat, User, SignedIn, TypingEvent } from './lib/client.js';
export { LiveStream } from './lib/live-stream.js';
export type { LiveOptions, ReconnectOptions } from './lib/live-stream.js';
export type { Session } from './lib/session.js';
export type { WebhookEvent, WebhookEventType, WebhookChat, WebhookMessage, WebhookAttachment } from './lib/webhooks.js';
export type { RetryOptions } from './lib/backoff.js';
export type { FetchLike, TypedDocument } from './lib/http.js';
export { ParleyError, isParleyError, API_ERROR_CODES } from './lib/errors.js';
export type { ApiErrorCode, ClientErrorCode, ParleyErrorCode, FieldProblem, GraphQLFormattedError } from './lib/errors.js';
export { formatTranscript } from './lib/transcript.js';
// Every generated operation document and its result/variable types, for `client.request(...)`.
export * from './generated/graphql.js';
