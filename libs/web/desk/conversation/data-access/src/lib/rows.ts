import type { TimelineMessage } from '@parley/web/chat/data-access';
import type { DeskNoteFragment } from '@parley/web/desk/api/data-access';

/** A private note as a row of the conversation (the team's alone). */
export type NoteRow = Omit<TimelineMessage, 'kind'> & { kind: 'NOTE' };
export type DeskRow = TimelineMessage | NoteRow;

/** The conversation's rows with the notes placed by time among the sent messages (unsent ones stay last). */
export function withNotes(timeline: readonly TimelineMessage[], notes: readonly DeskNoteFragment[], viewerId: string | null): DeskRow[] {
  if (!notes.length) return timeline as DeskRow[];
  const rows: DeskRow[] = [];
  let n = 0;
  for (const row of timeline) {
    while (n < notes.length && row.state === 'sent' && notes[n].createdAt < row.createdAt) rows.push(noteRow(notes[n++], viewerId));
    if (row.state !== 'sent') while (n < notes.length) rows.push(noteRow(notes[n++], viewerId));
    rows.push(row);
  }
  while (n < notes.length) rows.push(noteRow(notes[n++], viewerId));
  return rows;
}

function noteRow(note: DeskNoteFragment, viewerId: string | null): NoteRow {
  return {
    key: `n:${note.id}`,
    seq: null,
    kind: 'NOTE',
    body: note.body,
    senderName: note.author.displayName,
    mine: note.author.id === viewerId,
    createdAt: note.createdAt,
    state: 'sent',
    error: null,
    clientMessageId: null,
    attachments: [],
  };
}

/** What follows a "/" that starts the composer (the canned reply being looked for), or null. */
export function cannedQuery(text: string): string | null {
  const match = /^\/([\w-]{0,32})$/.exec(text);
  return match ? match[1] : null;
}
