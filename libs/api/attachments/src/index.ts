export * from './lib/attachment.entity';
export * from './lib/attachment.type';
export { messageAttachmentsJsonSql } from './lib/attachment.repository';
export * from './lib/attachment.service';
export * from './lib/attachment.errors';
export * from './lib/blob-store';
export * from './lib/attachments.module';
export * from './lib/move-attachments';
