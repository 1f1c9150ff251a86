import type { DataSource } from 'typeorm';
import { AppError, badUserInput, conflict, forbidden, isStaff, isUuid, notFound, Role, type Viewer } from '@parley/api/core';
import { queryRows } from '@parley/api/database';
import type { AuthService } from '@parley/api/auth';
import { ChatStatus, MessageNoticeCode, TRANSITIONS, type ChatRow, type ChatService, type ReleaseNotice, type TransferNotice } from '@parley/api/chat';
import type { PresenceService } from './presence';
import type { RoutingService } from './routing.service';
import { Availability } from './team.type';

const chatClosed = () => new AppError('CHAT_CLOSED', 'This chat is closed.');

interface Person {
  id: string;
  displayName: string;
  role: Role;
  active: boolean;
}

/**
 * Who has a chat, by hand: transfers (an admin's to themself is a takeover),
 * releases back to the queue, and accounts taken off the team (deactivation)
 * or put back. Every change of a chat goes through the chat domain's
 * transition helper, with the team's capacity lock and reason in its
 * transaction.
 */
export class AssignmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chats: ChatService,
    private readonly routing: RoutingService,
    private readonly presence: PresenceService,
    private readonly auth: Pick<AuthService, 'revokeAccess'>,
  ) {}

  /** The chat's agent or an admin hands a QUEUED or ACTIVE chat to another active agent or admin (an admin may take it themself). */
  async transferChat(viewer: Viewer, chatId: string, agentId: string): Promise<ChatRow> {
    if (!isStaff(viewer.role)) throw forbidden('Only agents and admins transfer chats.');
    const chat = await this.requireChat(chatId);
    if (chat.status === ChatStatus.CLOSED) throw chatClosed();
    if (viewer.role !== Role.ADMIN && chat.agentId !== viewer.id) throw forbidden("Only the chat's agent or an admin may transfer it.");
    const target = isUuid(agentId) ? await this.person(agentId) : null;
    if (!target) throw notFound('user');
    if (target.role === Role.CUSTOMER) throw badUserInput([{ field: 'agentId', message: 'must be an agent or an admin' }]);
    if (!target.active) throw badUserInput([{ field: 'agentId', message: 'is deactivated' }]);
    if (target.id === chat.agentId) throw badUserInput([{ field: 'agentId', message: 'already has this chat' }]);
    if (target.id === viewer.id && viewer.role !== Role.ADMIN) throw badUserInput([{ field: 'agentId', message: 'must be someone else' }]);

    const by = (await this.person(viewer.id))?.displayName ?? 'Someone';
    const takeover = target.id === viewer.id;
    const notice: TransferNotice = takeover
      ? { code: MessageNoticeCode.TOOK_OVER, name: target.displayName }
      : { code: MessageNoticeCode.TRANSFERRED, by, to: target.displayName };
    const reason = takeover ? 'taken over' : `transferred by ${by}`;
    const moved = await this.chats.hooks.transition(
      chat.id,
      TRANSITIONS.transfer,
      { agentId: target.id, from: chat.agentId, notice },
      {
        before: (runner) => this.routing.lockAgent(runner, target.id),
        after: (runner) => this.routing.record(runner, chat.id, target.id, reason),
      },
    );
    if (!moved) {
      // It changed meanwhile (closed, accepted, transferred by someone else): say what it is now.
      const now = await this.requireChat(chat.id);
      if (now.status === ChatStatus.CLOSED) throw chatClosed();
      throw conflict('The chat changed hands meanwhile; look again.');
    }
    // The agent who had it has room for another.
    if (chat.agentId) await this.routing.requestDrain('a chat was transferred');
    return moved;
  }

  /** The chat's agent or an admin puts an ACTIVE chat back in the queue. */
  async releaseChat(viewer: Viewer, chatId: string): Promise<ChatRow> {
    if (!isStaff(viewer.role)) throw forbidden('Only agents and admins release chats.');
    const chat = await this.requireChat(chatId);
    if (chat.status === ChatStatus.CLOSED) throw chatClosed();
    if (viewer.role !== Role.ADMIN && chat.agentId !== viewer.id) throw forbidden("Only the chat's agent or an admin may release it.");
    if (chat.status !== ChatStatus.ACTIVE || !chat.agentId) throw badUserInput([{ field: 'chatId', message: 'is not ACTIVE' }]);
    const by = (await this.person(viewer.id))?.displayName ?? 'Someone';
    const agent = chat.agentId === viewer.id ? by : ((await this.person(chat.agentId))?.displayName ?? 'Your agent');
    const notice: ReleaseNotice =
      chat.agentId === viewer.id
        ? { code: MessageNoticeCode.RETURNED_TO_QUEUE, by }
        : { code: MessageNoticeCode.MOVED_TO_QUEUE, by, from: agent };
    const from = chat.agentId;
    const released = await this.chats.hooks.transition(
      chat.id,
      TRANSITIONS.release,
      { from, notice },
      { after: (runner) => this.routing.released(runner, chat.id, from) },
    );
    if (!released) {
      const now = await this.requireChat(chat.id);
      if (now.status === ChatStatus.CLOSED) throw chatClosed();
      throw conflict('The chat changed hands meanwhile; look again.');
    }
    // Routing hears of the released chat from the chat domain (a drain in AUTO).
    return released;
  }

  /**
   * Admins, not on themselves: the account can no longer sign in, its tokens
   * stop working and its sockets close at once on every instance (AuthService.revokeAccess),
   * it counts OFFLINE, and its ACTIVE chats go back to the queue (assigned again in AUTO).
   */
  async deactivateUser(viewer: Viewer, userId: string): Promise<string> {
    const person = await this.adminOver(viewer, userId);
    if (person.id === viewer.id) throw badUserInput([{ field: 'userId', message: 'an admin cannot deactivate themself' }]);
    await this.auth.revokeAccess(person.id, { active: false });
    if (person.role !== Role.CUSTOMER) {
      await this.presence.choose(person.id, Availability.OFFLINE);
      await this.routing.reassignFrom(person.id, { evenIfManual: true });
    }
    return person.id;
  }

  /** Admins: the account may sign in again (with its password; its old tokens stay ended). */
  async reactivateUser(viewer: Viewer, userId: string): Promise<string> {
    const person = await this.adminOver(viewer, userId);
    if (!person.active) await this.auth.revokeAccess(person.id, { active: true });
    return person.id;
  }

  private async adminOver(viewer: Viewer, userId: string): Promise<Person> {
    if (viewer.role !== Role.ADMIN) throw forbidden('Only admins may do this.');
    const person = isUuid(userId) ? await this.person(userId) : null;
    if (!person) throw notFound('user');
    return person;
  }

  private async requireChat(chatId: string): Promise<ChatRow> {
    const chat = await this.chats.findChat(chatId);
    if (!chat) throw notFound('chat');
    return chat;
  }

  private async person(userId: string): Promise<Person | null> {
    const [row] = await queryRows<Person>(this.dataSource, `SELECT id, "displayName", role, active FROM users WHERE id = $1`, [userId]);
    return row ?? null;
  }
}
