import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { DataSource } from 'typeorm';
import { notFound, type RequestContext } from '@parley/api/core';
import { User, userLoader } from '@parley/api/auth';
import { ChatService } from './chat.service';
import { Chat, Message, type ChatRow, type MessageRow } from './chat.type';

@Resolver(() => Message)
export class MessageResolver {
  constructor(
    private readonly chatService: ChatService,
    private readonly dataSource: DataSource,
  ) {}

  @FieldResolver(() => User, { nullable: true, description: 'Null for BOT and SYSTEM messages.' })
  sender(@Root() message: MessageRow, @Ctx() ctx: RequestContext): Promise<User | null> | null {
    return message.senderId ? userLoader(ctx, this.dataSource).load(message.senderId) : null;
  }

  @FieldResolver(() => Chat)
  async chat(@Root() message: MessageRow, @Ctx() ctx: RequestContext): Promise<ChatRow> {
    const chat = await this.chatService.chatOf(ctx, message.chatId);
    if (!chat) throw notFound('chat');
    return chat;
  }
}
