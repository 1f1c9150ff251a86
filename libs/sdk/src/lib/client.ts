import {
  AcceptChatDocument,
  ChatDocument,
  ChatsDocument,
  ChatUpdatedDocument,
  CloseChatDocument,
  LastSeqDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  MessageAddedDocument,
  MessagesDocument,
  QueueDocument,
  RefreshTokenDocument,
  RegisterDocument,
  SendMessageDocument,
  SetTypingDocument,
  StartChatDocument,
  TypingChangedDocument,
  type ChatsQueryVariables,
  type MessageAddedSubscription,
  type MessagesQueryVariables,
  type QueueQueryVariables,
  type RegisterInput,
  type SdkChatFragment,
  type SdkMessageFragment,
  type SdkSessionFragment,
  type SdkUserFragment,
  type TypingChangedSubscription,
} from '../generated/graphql.js';
import { backoffDelay, DEFAULT_RETRY, sleep, type RetryOptions } from './backoff.js';
import { isParleyError, ParleyError } from './errors.js';
import { postOperation, type FetchLike, type TypedDocument } from './http.js';
import { LiveStream, type LiveOptions, type ReconnectOptions } from './live-stream.js';
import { SessionKeeper, type Session } from './session.js';
import { SocketLink } from './socket.js';
import { formatTranscript } from './transcript.js';

export type Message = SdkMessageFragment;
export type Chat = SdkChatFragment;
export type User = SdkUserFragment;
export type SignedIn = { session: Session; user: SdkSessionFragment['user'] };
export type TypingEvent = TypingChangedSubscription['typingChanged'];

export interface ParleyClientOptions {
  /** The API endpoint, e.g. `https://chat.example.com/graphql`. */
  url: string;
  /** The graphql-ws endpoint; by default `url` with ws(s):// instead of http(s)://. */
  wsUrl?: string;
  /** A WebSocket class. Browsers have one; in Node pass `ws` (`import WebSocket from 'ws'`). */
  webSocketImpl?: unknown;
  /** A fetch function; the global one by default. */
  fetch?: FetchLike;
  /** A session saved earlier (from `onSessionChange`), to resume without signing in. */
  session?: Session | null;
  /** Called whenever the session changes: signed in, renewed (the refresh token rotates), or ended (null). Persist it here. */
  onSessionChange?: (session: Session | null) => void;
  /** Retries of operations that are safe to repeat (queries, sendMessage, startChat, closeChat). */
  retry?: Partial<RetryOptions>;
  /** How live subscriptions reconnect. */
  reconnect?: ReconnectOptions;
  /** Socket keep-alive ping interval (ms); 0 turns it off. Default 15 s. */
  keepAliveMs?: number;
  /** Give up on an HTTP attempt with no answer after this long (ms), as on a network error. Default 30 s. */
  requestTimeoutMs?: number;
  /** Extra HTTP headers on every request. */
  headers?: Record<string, string>;
  /** Makes clientMessageIds; `crypto.randomUUID()` by default. */
  generateId?: () => string;
  /** Every socket close (code and reason): for logs and metrics. */
  onSocketClose?: (event: { code: number; reason: string }) => void;
}

export interface RequestOptions {
  /** Safe to send again after a network error or a 5xx: queries always are; mutations only when said so. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

export interface ChatSubscriptionOptions extends LiveOptions<Message> {
  /**
   * Start after this seq: 0 replays the whole chat, n replays from n + 1
   * (the last seq you stored). Omitted: from the chat's newest message when
   * the subscription starts (read over HTTP first, so that a disconnection
   * before the first live message still misses nothing after that point).
   */
  afterSeq?: number;
}

/** A chat's messages, in seq order, each exactly once, across reconnections. */
export class ChatSubscription extends LiveStream<Message> {
  /** The last seq received from the server (delivered, or waiting in the iterator's buffer). */
  get lastSeq(): number {
    return this.position.lastSeq;
  }

  constructor(
    link: SocketLink,
    session: SessionKeeper,
    options: ChatSubscriptionOptions & { reconnect?: ReconnectOptions },
    private readonly position: { lastSeq: number },
    prepare: (() => Promise<void>) | undefined,
    chatId: string,
  ) {
    super(
      link,
      session,
      {
        prepare,
        request: () => ({ query: MessageAddedDocument.toString(), variables: { chatId, afterSeq: position.lastSeq } }),
        accept: (data: MessageAddedSubscription) => {
          const message = data.messageAdded;
          if (message.seq <= position.lastSeq) return 'skip';
          // The server fills gaps itself; should one show, subscribe again from the last seq seen.
          if (message.seq !== position.lastSeq + 1) return 'resync';
          position.lastSeq = message.seq;
          return { item: message };
        },
      },
      options,
    );
  }
}

const defaultId = () => globalThis.crypto.randomUUID();
const isQuery = (document: { toString(): string }) => /^\s*(query\b|\{)/.test(document.toString());

/**
 * A typed client for the Parley API. One instance holds one session: it
 * renews it with the refresh token, retries what is safe to retry, and keeps
 * live subscriptions going across disconnections.
 */
export class ParleyClient {
  private readonly fetchImpl: FetchLike;
  private readonly retry: RetryOptions;
  private readonly sessionKeeper: SessionKeeper;
  private link: SocketLink | null = null;
  private readonly generateId: () => string;

  constructor(private readonly options: ParleyClientOptions) {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (!fetchImpl) throw new Error('No fetch available: pass options.fetch');
    this.fetchImpl = (input, init) => fetchImpl(input, init);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.generateId = options.generateId ?? defaultId;
    this.sessionKeeper = new SessionKeeper(
      (refreshToken) => this.post(RefreshTokenDocument, { refreshToken }).then((data) => toSession(data.refreshToken)),
      (session) => options.onSessionChange?.(session),
    );
    if (options.session) this.sessionKeeper.set(options.session);
  }

  /** The current session (null when signed out). */
  get session(): Session | null {
    return this.sessionKeeper.current;
  }

  // ------------------------------------------------------------ operations

  /**
   * Runs any typed operation (the generated documents, or your own). Renews the
   * session once on UNAUTHENTICATED; retries network errors and 5xx with backoff
   * when the operation is a query or `idempotent` is set.
   */
  async request<TResult, TVariables>(
    document: TypedDocument<TResult, TVariables>,
    variables: TVariables,
    options: RequestOptions = {},
  ): Promise<TResult> {
    const idempotent = options.idempotent ?? isQuery(document);
    let attempt = 0;
    let renewed = false;
    for (;;) {
      let token: string | undefined;
      try {
        // A renewal that failed on the network is retried like the operation itself.
        token = await this.sessionKeeper.token();
        return await this.post(document, variables, token, options.signal);
      } catch (error) {
        if (isParleyError(error, 'UNAUTHENTICATED') && token && !renewed) {
          renewed = true;
          await this.sessionKeeper.renew(token);
          continue;
        }
        if (idempotent && isParleyError(error) && error.transient && attempt < this.retry.retries) {
          await sleep(backoffDelay(attempt++, this.retry), options.signal);
          continue;
        }
        throw error;
      }
    }
  }

  async login(email: string, password: string): Promise<SignedIn> {
    const data = await this.post(LoginDocument, { input: { email, password } });
    return this.signedIn(data.login);
  }

  async register(input: RegisterInput): Promise<SignedIn> {
    const data = await this.post(RegisterDocument, { input });
    return this.signedIn(data.register);
  }

  /** Signs out on the server (its sockets close) and forgets the session. */
  async logout(): Promise<void> {
    try {
      if (this.session) await this.request(LogoutDocument, {});
    } finally {
      this.sessionKeeper.set(null);
      await this.disposeSocket();
    }
  }

  async me() {
    return (await this.request(MeDocument, {})).me;
  }

  async chat(id: string): Promise<Chat | null> {
    return (await this.request(ChatDocument, { id })).chat;
  }

  async chats(variables: ChatsQueryVariables = {}) {
    return (await this.request(ChatsDocument, variables)).chats;
  }

  /** A page of a chat's messages (oldest first within the page); null when there is no such chat. */
  async messages(variables: MessagesQueryVariables) {
    return (await this.request(MessagesDocument, variables)).chat?.messages ?? null;
  }

  /** Agents and admins: QUEUED chats, oldest first (a page: `first`, after the chat `after`), and how many wait in all. */
  async queue(variables: QueueQueryVariables = {}): Promise<{ chats: Chat[]; length: number }> {
    const data = await this.request(QueueDocument, variables);
    return { chats: data.queue, length: data.queueLength };
  }

  /** Opens a chat; retried safely (the server keeps one chat per clientMessageId). */
  async startChat(input: { message: string; subject?: string | null; clientMessageId?: string }, options: { signal?: AbortSignal } = {}): Promise<Chat> {
    const clientMessageId = input.clientMessageId ?? this.generateId();
    const data = await this.request(StartChatDocument, { input: { ...input, clientMessageId } }, { idempotent: true, ...options });
    return data.startChat;
  }

  /**
   * Sends a message. A clientMessageId is generated unless given; network
   * errors and 5xx are retried with it, and the server stores the message once
   * however many times it arrives.
   */
  async sendMessage(input: { chatId: string; body: string; clientMessageId?: string }, options: { signal?: AbortSignal } = {}): Promise<Message> {
    const clientMessageId = input.clientMessageId ?? this.generateId();
    const data = await this.request(SendMessageDocument, { input: { ...input, clientMessageId } }, { idempotent: true, ...options });
    return data.sendMessage;
  }

  /**
   * The whole chat as plain text (see formatTranscript), for the chat's
   * customer, agents and admins: every message, paged through in seq order.
   */
  async transcript(chatId: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    const chat = await this.request(ChatDocument, { id: chatId }, options);
    if (!chat.chat) throw new ParleyError('NOT_FOUND', 'No such chat.');
    const messages: Message[] = [];
    let after: string | null | undefined;
    for (;;) {
      const page = (await this.request(MessagesDocument, { chatId, first: 100, after }, options)).chat?.messages;
      if (!page) throw new ParleyError('NOT_FOUND', 'No such chat.');
      messages.push(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return formatTranscript(chat.chat, messages);
  }

  async acceptChat(chatId: string): Promise<Chat> {
    return (await this.request(AcceptChatDocument, { chatId })).acceptChat;
  }

  /** Closes a chat (closing a closed chat changes nothing, so this is retried safely). */
  async closeChat(chatId: string): Promise<Chat> {
    return (await this.request(CloseChatDocument, { chatId }, { idempotent: true })).closeChat;
  }

  async setTyping(chatId: string, typing: boolean): Promise<boolean> {
    return (await this.request(SetTypingDocument, { chatId, typing }, { idempotent: true })).setTyping;
  }

  // ------------------------------------------------------------ live

  /**
   * A chat's messages as they are added, over graphql-ws. After any
   * disconnection it resubscribes with `afterSeq` = the last seq received, so
   * it yields every message exactly once, in seq order. Ends when you break
   * out of the loop, call `close()`, abort `signal`, or the server refuses
   * the chat (the iterator throws a ParleyError: FORBIDDEN, NOT_FOUND, or
   * UNAUTHENTICATED once the session cannot be renewed).
   *
   *   for await (const message of client.subscribeToChat(chatId, { afterSeq: 0 })) ...
   */
  subscribeToChat(chatId: string, options: ChatSubscriptionOptions = {}): ChatSubscription {
    const position = { lastSeq: options.afterSeq ?? 0 };
    // Without afterSeq, pin the starting point now, so that a disconnection before the first message loses nothing.
    const prepare =
      options.afterSeq === undefined
        ? async () => {
            const data = await this.request(LastSeqDocument, { chatId }, { signal: options.signal });
            if (!data.chat) throw new ParleyError('NOT_FOUND', 'No such chat.');
            position.lastSeq = data.chat.lastMessage?.seq ?? 0;
          }
        : undefined;
    return new ChatSubscription(this.socket(), this.sessionKeeper, { reconnect: this.options.reconnect, ...options }, position, prepare, chatId);
  }

  /** Chats as they are created or change (agents: every chat; customers: their own). Resubscribes after disconnections; changes while away are not replayed. */
  watchChats(options: LiveOptions<Chat> = {}): LiveStream<Chat> {
    return this.subscribe(ChatUpdatedDocument, {}, (data) => data.chatUpdated, options);
  }

  /** Typing starts and stops in a chat (other than your own). */
  watchTyping(chatId: string, options: LiveOptions<TypingEvent> = {}): LiveStream<TypingEvent> {
    return this.subscribe(TypingChangedDocument, { chatId }, (data) => data.typingChanged, options);
  }

  /** Any typed subscription, resubscribed with the same variables after disconnections. */
  subscribe<TResult, TVariables extends Record<string, unknown>, T = TResult>(
    document: TypedDocument<TResult, TVariables>,
    variables: TVariables,
    select: (data: TResult) => T = (data) => data as unknown as T,
    options: LiveOptions<T> = {},
  ): LiveStream<T> {
    return new LiveStream<T>(
      this.socket(),
      this.sessionKeeper,
      { request: () => ({ query: document.toString(), variables }), accept: (data: TResult) => ({ item: select(data) }) },
      { reconnect: this.options.reconnect, ...options },
    );
  }

  /** Closes the socket (ending every subscription's connection); the client stays usable for HTTP. */
  async dispose(): Promise<void> {
    await this.disposeSocket();
  }

  // ------------------------------------------------------------ internals

  private post<TResult, TVariables>(document: TypedDocument<TResult, TVariables>, variables: TVariables, token?: string, signal?: AbortSignal) {
    return postOperation(this.fetchImpl, this.options.url, document, variables, {
      token,
      headers: this.options.headers,
      signal,
      timeoutMs: this.options.requestTimeoutMs ?? 30_000,
    });
  }

  private signedIn(payload: SdkSessionFragment): SignedIn {
    const session = toSession(payload);
    this.sessionKeeper.set(session);
    return { session, user: payload.user };
  }

  private socket(): SocketLink {
    this.link ??= new SocketLink(this.sessionKeeper, {
      url: this.options.wsUrl ?? this.options.url.replace(/^http/, 'ws'),
      webSocketImpl: this.options.webSocketImpl,
      keepAliveMs: this.options.keepAliveMs ?? 15_000,
      onClose: this.options.onSocketClose,
    });
    return this.link;
  }

  private async disposeSocket(): Promise<void> {
    const link = this.link;
    this.link = null;
    await link?.dispose();
  }
}

function toSession(payload: SdkSessionFragment): Session {
  const { token, expiresAt, refreshToken, refreshExpiresAt } = payload;
  return { token, expiresAt, refreshToken, refreshExpiresAt };
}
