import type { QueryRunner } from 'typeorm';
import { MessageKind, type CarriedMessage, type MessageRow } from './chat.type';

/**
 * What the attachments domain does for a message naming uploads; chat knows
 * nothing else of files. Runs inside the message's transaction: the uploads
 * become the message's, or it throws (BAD_USER_INPUT) and nothing is written.
 */
export interface MessageAttachments {
  claim(runner: QueryRunner, message: MessageRow, senderId: string, uploadIds: readonly string[]): Promise<void>;
}

/**
 * Whether the message may have files, as far as the chat knows without a
 * read. Only a person's send names uploads (ChatHooks.attaching, in the
 * message's own transaction), so a SYSTEM or BOT message never has any, nor
 * a message an event carries as sent without any (`attached: false`).
 */
export function mayHaveFiles(message: MessageRow): boolean {
  if (message.kind !== MessageKind.CUSTOMER && message.kind !== MessageKind.AGENT) return false;
  return (message as CarriedMessage).attached !== false;
}
