import type { QueryRunner } from 'typeorm';
import type { MessageRow } from './chat.type';

/**
 * What the attachments domain does for a message naming uploads; chat knows
 * nothing else of files. Runs inside the message's transaction: the uploads
 * become the message's, or it throws (BAD_USER_INPUT) and nothing is written.
 */
export interface MessageAttachments {
  claim(runner: QueryRunner, message: MessageRow, senderId: string, uploadIds: readonly string[]): Promise<void>;
}
