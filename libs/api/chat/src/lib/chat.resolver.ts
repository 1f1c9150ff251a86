import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { getArgumentValues, getNamedType, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { childFieldNodes, requireViewer, Role, type RequestContext } from '@parley/api/core';
import { rememberUsers, User, userLoader } from '@parley/api/auth';
import type { DataSource } from 'typeorm';
import { ChatService } from './chat.service';
import { SendMessageInput, StartChatInput } from './chat.inputs';
import { Chat, ChatConnection, ChatStatus, Message, MessageConnection, TypingEvent, type ChatRow, type MessageRow, type TypingPayload } from './chat.type';

@ArgsType()
class MessagesArgs {
  @Field(() => Int, { nullable: true })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, { nullable: true })
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}

/**
 * The page of messages a `chat` query will ask its chat for, when that can be
 * told beforehand: `messages` selected once, with no directives of its own
 * (whose outcome only execution knows). The chat and that page are then read
 * at once. (Under a fragment that a directive skips, the page is read for nothing.)
 */
function requestedPage(info: GraphQLResolveInfo): MessagesArgs | null {
  const nodes = childFieldNodes(info, 'messages');
  const node = nodes[0];
  if (nodes.length !== 1 || !node || node.directives?.length) return null;
  const field = (getNamedType(info.returnType) as GraphQLObjectType).getFields()['messages'];
  if (!field) return null;
  return getArgumentValues(field, node, info.variableValues) as MessagesArgs;
}

/**
 * Subscriptions are wired outside the class (type-graphql takes `subscribe` in
 * the decorator), so they reach the service through the subscription context,
 * under this key, which the chat module itself fills (chat.module.ts).
 */
export const CHAT_SUBSCRIPTIONS = Symbol('chat subscriptions');
type SubscriptionContext = RequestContext & { [CHAT_SUBSCRIPTIONS]?: ChatService };
const chatServiceOf = (ctx: SubscriptionContext) => {
  const service = ctx[CHAT_SUBSCRIPTIONS];
  if (!service) throw new Error('the chat module did not provide its subscription context');
  return service;
};
type Sub<A = Record<string, never>> = SubscribeResolverData<unknown, A, SubscriptionContext>;
export interface MessageAddedArgs {
  chatId: string;
  afterSeq?: number | null;
}

@Resolver(() => Chat)
export class ChatResolver {
  constructor(
    private readonly chatService: ChatService,
    private readonly dataSource: DataSource,
  ) {}

  @Query(() => Chat, { nullable: true })
  chat(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<ChatRow | null> {
    const viewer = requireViewer(ctx);
    const page = requestedPage(info);
    return page
      ? this.chatService.findVisibleChatWithPage(ctx, viewer, id, page)
      : this.chatService.findVisibleChat(viewer, id);
  }

  @Query(() => ChatConnection, {
    description:
      'Chats the viewer may see (a customer: their own; an agent or admin: all),\nmost recently updated first; 20 a page unless first says otherwise.',
  })
  chats(
    @Ctx() ctx: RequestContext,
    @Arg('status', () => ChatStatus, { nullable: true }) status?: ChatStatus | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ChatConnection> {
    return this.chatService.listChats(requireViewer(ctx), status, first, after);
  }

  @Authorized(Role.AGENT, Role.ADMIN)
  @Query(() => [Chat], {
    description: 'Agents and admins: QUEUED chats, oldest first. A page of `first` (1 to 200; 200 when omitted) after the chat `after` names; `queueLength` says how many wait in all.',
  })
  queue(
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => ID, { nullable: true, description: 'The last chat of the previous page.' }) after?: string | null,
  ): Promise<ChatRow[]> {
    return this.chatService.queue(first, after);
  }

  @Authorized(Role.AGENT, Role.ADMIN)
  @Query(() => Int, { description: 'Agents and admins: how many chats wait in the queue, however many that is.' })
  queueLength(): Promise<number> {
    return this.chatService.queueLength();
  }

  @Mutation(() => Chat, { description: 'Customers: opens a QUEUED chat with its first message.' })
  startChat(@Arg('input', () => StartChatInput) input: StartChatInput, @Ctx() ctx: RequestContext): Promise<ChatRow> {
    return this.chatService.startChat(requireViewer(ctx), input);
  }

  @Mutation(() => Message)
  sendMessage(@Arg('input', () => SendMessageInput) input: SendMessageInput, @Ctx() ctx: RequestContext): Promise<MessageRow> {
    return this.chatService.sendMessage(requireViewer(ctx), input);
  }

  @Mutation(() => Chat, {
    description: 'Agents and admins: takes a QUEUED chat; CONFLICT if another agent took it first.',
  })
  acceptChat(@Arg('chatId', () => ID) chatId: string, @Ctx() ctx: RequestContext): Promise<ChatRow> {
    return this.chatService.acceptChat(requireViewer(ctx), chatId);
  }

  @Mutation(() => Chat, {
    description: "The chat's customer, its agent, or an admin. Closing a closed chat returns\nit unchanged.",
  })
  closeChat(@Arg('chatId', () => ID) chatId: string, @Ctx() ctx: RequestContext): Promise<ChatRow> {
    return this.chatService.closeChat(requireViewer(ctx), chatId);
  }

  @Mutation(() => Boolean)
  setTyping(
    @Arg('chatId', () => ID) chatId: string,
    @Arg('typing', () => Boolean) typing: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<boolean> {
    return this.chatService.setTyping(requireViewer(ctx), chatId, typing);
  }

  @Subscription(() => Message, {
    description:
      'Each message added to the chat, in seq order. With afterSeq, first every\nstored message with seq > afterSeq, then live ones: a client that\nreconnects with the last seq it saw misses nothing and sees nothing twice.',
    subscribe: ({ args, context }: Sub<MessageAddedArgs>) =>
      chatServiceOf(context).live.messageStream(requireViewer(context), args.chatId, args.afterSeq, context.delivery),
  })
  messageAdded(
    @Root() message: MessageRow,
    @Arg('chatId', () => ID) _chatId: string,
    @Arg('afterSeq', () => Int, { nullable: true }) _afterSeq?: number | null,
  ): MessageRow {
    return message;
  }

  @Subscription(() => Chat, {
    description:
      'Chats as they are created or change status or assignee: for agents and\nadmins every chat, for a customer their own, and these also with each new\nmessage (its lastMessage), so one subscription keeps their list current.',
    subscribe: ({ context }: Sub) => chatServiceOf(context).live.chatUpdates(requireViewer(context)),
  })
  chatUpdated(@Root() chat: ChatRow): ChatRow {
    return chat;
  }

  @Subscription(() => TypingEvent, {
    description: "Typing starts and stops in the chat, other than the viewer's own.",
    subscribe: ({ args, context }: Sub<{ chatId: string }>) =>
      chatServiceOf(context).live.typingStream(requireViewer(context), args.chatId),
  })
  async typingChanged(
    @Root() event: TypingPayload,
    @Arg('chatId', () => ID) _chatId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<TypingEvent> {
    const user = await userLoader(ctx, this.dataSource).load(event.userId);
    return { chatId: event.chatId, typing: event.typing, user: user as User };
  }

  // ------------------------------------------------------------- Chat fields

  @FieldResolver(() => User)
  async customer(@Root() chat: ChatRow, @Ctx() ctx: RequestContext): Promise<User> {
    return (await userLoader(ctx, this.dataSource).load(chat.customerId)) as User;
  }

  @FieldResolver(() => User, { nullable: true, description: 'The agent who accepted the chat; null while QUEUED.' })
  agent(@Root() chat: ChatRow, @Ctx() ctx: RequestContext): Promise<User | null> | null {
    return chat.agentId ? userLoader(ctx, this.dataSource).load(chat.agentId) : null;
  }

  @FieldResolver(() => Message, { nullable: true })
  lastMessage(@Root() chat: ChatRow, @Ctx() ctx: RequestContext): Promise<MessageRow | null> {
    return this.chatService.lastMessage(ctx, chat);
  }

  @FieldResolver(() => MessageConnection, {
    description:
      'Oldest first within a page. first/after pages forward from the start;\nlast/before pages backward from the newest message. At most 100 a page;\nwith neither first nor last, the newest 50.',
  })
  async messages(
    @Root() chat: ChatRow,
    // Checked by MessagePages (pageWindow); class-validator has no rule here to run on every page.
    @Args(() => MessagesArgs, { validate: false }) args: MessagesArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<MessageConnection> {
    const page = await this.chatService.messagesPage(ctx, chat, args);
    rememberUsers(ctx, page.senders);
    return page.connection;
  }
}
