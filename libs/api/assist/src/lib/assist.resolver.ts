import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { requireViewer, type RequestContext } from '@parley/api/core';
import { Chat, ChatService, type ChatRow } from '@parley/api/chat';

/** The customer's side of the handover from the bot to a person. */
@Resolver()
export class AssistResolver {
  constructor(private readonly chatService: ChatService) {}

  @Mutation(() => Chat, { description: "The chat's customer: stop the bot and wait for a human agent." })
  requestHuman(@Arg('chatId', () => ID) chatId: string, @Ctx() ctx: RequestContext): Promise<ChatRow> {
    return this.chatService.requestHuman(requireViewer(ctx), chatId);
  }
}
