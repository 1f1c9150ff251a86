import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppError, AsyncQueue, badUserInput, codePointLength, forbidden, isStaff, isUuid, notFound, type Viewer } from '@parley/api/core';
import { queryRows } from '@parley/api/database';
import type { TeamPubSub } from './team.topics';
import { TEAM_LIMITS, type NoteRow } from './team.type';

const NOTE_COLUMNS = `id, "chatId", "authorId", body, "createdAt"`;

/**
 * Private notes on chats. They live in their own table, apart from messages,
 * so no path that reads messages (pages, last message, live delivery,
 * search, transcripts, emails, webhooks, the bot's prompt) can carry one; and
 * every way to a note checks that an agent or admin is asking.
 */
export class NotesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: TeamPubSub,
  ) {}

  /** Agents and admins, on any chat that is not CLOSED: 1 to 4000 characters after trimming. */
  async addNote(viewer: Viewer, chatId: string, body: string): Promise<NoteRow> {
    assertStaff(viewer);
    const text = body.trim();
    const length = codePointLength(text);
    if (length < 1 || length > TEAM_LIMITS.noteMax) throw badUserInput([{ field: 'body', message: `must be 1 to ${TEAM_LIMITS.noteMax} characters after trimming` }]);
    if (!isUuid(chatId)) throw notFound('chat');
    // One statement: the chat is read (and kept from closing) as the note is written.
    const [note] = await queryRows<NoteRow>(
      this.dataSource,
      `INSERT INTO notes (id, "chatId", "authorId", body)
       SELECT $1, c.id, $3, $4 FROM (SELECT id FROM chats WHERE id = $2 AND status <> 'CLOSED' FOR SHARE) c
       RETURNING ${NOTE_COLUMNS}`,
      [randomUUID(), chatId, viewer.id, text],
    );
    if (!note) {
      const [chat] = await queryRows<{ status: string }>(this.dataSource, `SELECT status FROM chats WHERE id = $1`, [chatId]);
      if (!chat) throw notFound('chat');
      throw new AppError('CHAT_CLOSED', 'This chat is closed.');
    }
    await this.pubsub.publish('noteAdded', note.chatId, note);
    return note;
  }

  /** Notes of these chats, oldest first: for agents and admins; null for anyone else. */
  async notesOf(viewer: Viewer | null, chatIds: readonly string[]): Promise<Map<string, NoteRow[]> | null> {
    if (!viewer || !isStaff(viewer.role)) return null;
    const rows = await queryRows<NoteRow>(
      this.dataSource,
      `SELECT ${NOTE_COLUMNS} FROM notes WHERE "chatId" = ANY($1::uuid[]) ORDER BY "chatId", "createdAt", id`,
      [chatIds],
    );
    const byChat = new Map<string, NoteRow[]>(chatIds.map((id) => [id, []]));
    for (const row of rows) byChat.get(row.chatId)?.push(row);
    return byChat;
  }

  /** noteAdded: agents and admins, on a chat that exists. */
  async stream(viewer: Viewer, chatId: string): Promise<AsyncQueue<NoteRow>> {
    assertStaff(viewer);
    if (!isUuid(chatId)) throw notFound('chat');
    const queue = new AsyncQueue<NoteRow>(() => unsubscribe());
    // Listening before the check: nothing added in between is missed.
    const unsubscribe = this.pubsub.subscribe('noteAdded', chatId, (note) => queue.push(note));
    const [chat] = await queryRows(this.dataSource, `SELECT 1 FROM chats WHERE id = $1`, [chatId]);
    if (!chat) {
      unsubscribe();
      throw notFound('chat');
    }
    await this.pubsub.ready?.('noteAdded', chatId);
    return queue;
  }
}

function assertStaff(viewer: Viewer): void {
  if (!isStaff(viewer.role)) throw forbidden('Only agents and admins see or write notes.');
}
