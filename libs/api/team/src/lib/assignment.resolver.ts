import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { notFound, requireViewer, scopedValue, type RequestContext } from '@parley/api/core';
import { User, userLoader } from '@parley/api/auth';
import { Chat, type ChatRow } from '@parley/api/chat';
import type { AssignmentService } from './assignment.service';
import type { NotesService } from './notes.service';
import { Note, type NoteRow } from './team.type';

const NOTES_LOADER = Symbol('chatNotes');

/** noteAdded reaches the notes service through the subscription context under this key (team.module.ts). */
export const NOTE_SUBSCRIPTIONS = Symbol('note subscriptions');
type SubscriptionContext = RequestContext & { [NOTE_SUBSCRIPTIONS]?: NotesService };
type Sub<A> = SubscribeResolverData<unknown, A, SubscriptionContext>;

function notesServiceOf(ctx: SubscriptionContext): NotesService {
  const service = ctx[NOTE_SUBSCRIPTIONS];
  if (!service) throw new Error('the team module did not provide its subscription context');
  return service;
}

/** Transfers, releases, deactivation and notes: thin, the services decide who may. */
@Resolver(() => Chat)
export class AssignmentResolver {
  constructor(
    private readonly assignments: AssignmentService,
    private readonly notesService: NotesService,
    private readonly dataSource: DataSource,
  ) {}

  @Mutation(() => Chat, {
    description:
      "The chat's agent or an admin: hands a QUEUED or ACTIVE chat to another\nactive agent or admin (an admin may hand it to themself); a SYSTEM message\nsays so.",
  })
  transferChat(@Ctx() ctx: RequestContext, @Arg('chatId', () => ID) chatId: string, @Arg('agentId', () => ID) agentId: string): Promise<ChatRow> {
    return this.assignments.transferChat(requireViewer(ctx), chatId, agentId);
  }

  @Mutation(() => Chat, { description: "The chat's agent or an admin: puts an ACTIVE chat back in the queue; a\nSYSTEM message says so." })
  releaseChat(@Ctx() ctx: RequestContext, @Arg('chatId', () => ID) chatId: string): Promise<ChatRow> {
    return this.assignments.releaseChat(requireViewer(ctx), chatId);
  }

  @Mutation(() => User, {
    description:
      'Admins: the account can no longer sign in; its tokens stop working and its\nsockets close at once; its ACTIVE chats go back to the queue. An admin\ncannot deactivate themself.',
  })
  async deactivateUser(@Ctx() ctx: RequestContext, @Arg('userId', () => ID) userId: string): Promise<User> {
    return this.user(ctx, await this.assignments.deactivateUser(requireViewer(ctx), userId));
  }

  @Mutation(() => User)
  async reactivateUser(@Ctx() ctx: RequestContext, @Arg('userId', () => ID) userId: string): Promise<User> {
    return this.user(ctx, await this.assignments.reactivateUser(requireViewer(ctx), userId));
  }

  @Mutation(() => Note, { description: 'Agents and admins, on any chat that is not CLOSED (1 to 4000 characters).' })
  addNote(@Ctx() ctx: RequestContext, @Arg('chatId', () => ID) chatId: string, @Arg('body') body: string): Promise<NoteRow> {
    return this.notesService.addNote(requireViewer(ctx), chatId, body);
  }

  @Subscription(() => Note, {
    description: 'Agents and admins: notes as they are added to the chat.',
    subscribe: ({ args, context }: Sub<{ chatId: string }>) => notesServiceOf(context).stream(requireViewer(context), args.chatId),
  })
  noteAdded(@Root() note: NoteRow, @Arg('chatId', () => ID) _chatId: string): NoteRow {
    return note;
  }

  @FieldResolver(() => [Note], {
    nullable: true,
    description: 'Agents and admins: private notes, oldest first. Null for customers, and\nnever delivered to a customer in any form.',
  })
  notes(@Root() chat: ChatRow, @Ctx() ctx: RequestContext): Promise<NoteRow[] | null> {
    const loader = scopedValue(ctx, NOTES_LOADER, () => new DataLoader<string, NoteRow[] | null>(async (ids) => {
      const byChat = await this.notesService.notesOf(ctx.viewer, ids);
      return ids.map((id) => byChat?.get(id) ?? null);
      // Batched, not cached: a subscription's context outlives the notes it would hold.
    }, { cache: false }));
    return loader.load(chat.id);
  }

  private async user(ctx: RequestContext, id: string): Promise<User> {
    const user = await userLoader(ctx, this.dataSource).load(id);
    if (!user) throw notFound('user');
    return user;
  }
}

@Resolver(() => Note)
export class NoteResolver {
  constructor(private readonly dataSource: DataSource) {}

  @FieldResolver(() => User)
  async author(@Root() note: NoteRow, @Ctx() ctx: RequestContext): Promise<User> {
    return (await userLoader(ctx, this.dataSource).load(note.authorId)) as User;
  }
}
