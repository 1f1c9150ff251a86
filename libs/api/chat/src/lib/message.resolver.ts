import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { DataSource } from 'typeorm';
import { notFound, type RequestContext } from '@parley/api/core';
import { User, userOf } from '@parley/api/auth';
import { ChatService } from './chat.service';
import { Chat, Message, type ChatRow, type MessageRow } from './chat.type';

@Resolver(() => Message)
export class MessageResolver {
  constructor(
    private readonly chatService: ChatService,
    private readonly dataSource: DataSource,
  ) {}

  @FieldResolver(() => User, { nullable: true, description: 'Null for BOT and SYSTEM messages.' })
  sender(@Root() message: MessageRow, @Ctx() ctx: RequestContext): User | null | Promise<User | null> {
    return message.senderId ? userOf(ctx, this.dataSource, message.senderId) : null;
  }

  @FieldResolver(() => Chat)
  async chat(@Root() message: MessageRow, @Ctx() ctx: RequestContext): Promise<ChatRow> {
    const chat = await this.chatService.chatOf(ctx, message.chatId);
    if (!chat) throw notFound('chat');
    return chat;
  }
}
