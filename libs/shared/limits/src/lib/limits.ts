/**
 * Input limits of the public contract, shared by the API (validation) and the
 * web app (hints before a limit is hit).
 */
export const LIMITS = {
  emailMax: 254,
  passwordMin: 8,
  passwordMax: 128,
  displayNameMin: 1,
  displayNameMax: 80,
  subjectMax: 200,
  messageBodyMin: 1,
  messageBodyMax: 4000,
  clientMessageIdMin: 1,
  clientMessageIdMax: 64,
  pageSizeMin: 1,
  pageSizeMax: 100,
  attachmentsPerMessageMax: 5,
} as const;

/** Page sizes the contract promises when the client names none. */
export const DEFAULT_PAGE_SIZES = {
  messages: 50,
  chats: 20,
} as const;

/** Error codes of the public contract (extensions.code). */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'CHAT_CLOSED',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** WebSocket close code for a missing, bad or expired token. */
export const WS_CLOSE_UNAUTHORIZED = 4403;

/**
 * WebSocket close code for a socket that held more unread data than its
 * budget for too long (a client that stopped reading). Its subscriptions have
 * ended; a client may reconnect and resume messageAdded with afterSeq.
 */
export const WS_CLOSE_UNREAD_OVER_BUDGET = 4413;
