import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { DataSource, QueryRunner } from 'typeorm';
import DataLoader from 'dataloader';
import { isUuid, notFound, Role, RateLimits, type Viewer } from '@parley/api/core';
import type { AttachmentsConfig } from '@parley/api/config';
import { inTransaction } from '@parley/api/database';
import { defineQueue, type JobQueue } from '@parley/api/jobs';
import type { ChatService, MessageAttachments, MessageRow } from '@parley/api/chat';
import { AttachmentRepository, type AttachmentRow } from './attachment.repository';
import type { BlobStore } from './blob-store';
import { badAttachmentIds, notSendable, quotaExceeded, refusedType } from './attachment.errors';
import { inspectFile, RefusedType } from './inspect-file';

/** Deletes an upload no message named in time. */
export const EXPIRE_UPLOAD = defineQueue<{ id: string }>('attachment-expiry', { retry: { limit: 10, delaySeconds: 30, backoff: true } });

export const DEFAULT_ATTACHMENTS: AttachmentsConfig = {
  maxBytes: 10 * 1024 * 1024,
  customerBytesPerDay: 200 * 1024 * 1024,
  unclaimedSeconds: 86_400,
  store: 'postgres',
};

const DAY_SECONDS = 86_400;
const thumbnailKey = (id: string) => `${id}/thumbnail`;
export const keysOf = (row: Pick<AttachmentRow, 'id' | 'hasThumbnail'>) => (row.hasThumbnail ? [row.id, thumbnailKey(row.id)] : [row.id]);

/** A file's name as shown: no folders, no control characters, at most 200 characters. */
export function cleanName(name: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = basename((name ?? '').replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f<>"]/g, '').trim().slice(0, 200);
  return cleaned || 'file';
}

/**
 * The rules of files: who may upload how much, what is kept (inspectFile),
 * who may read a file (whoever may read its chat; its uploader before it is
 * sent), and the uploads that expire unsent.
 */
export class AttachmentService implements MessageAttachments {
  private readonly repository: AttachmentRepository;
  /** Attachments never change once their message is committed, so one loader serves every request and subscriber (bounded). */
  private readonly byMessage: DataLoader<string, AttachmentRow[]>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly stores: { postgres: BlobStore; s3?: BlobStore },
    private readonly settings: AttachmentsConfig,
    private readonly limits: RateLimits,
    private readonly jobs: JobQueue,
    private readonly chats: ChatService,
  ) {
    this.repository = new AttachmentRepository(dataSource);
    this.byMessage = new DataLoader(
      async (ids) => {
        const grouped = new Map<string, AttachmentRow[]>();
        for (const row of await this.repository.forMessages(ids)) {
          const list = grouped.get(row.messageId as string) ?? [];
          list.push(row);
          grouped.set(row.messageId as string, list);
        }
        return ids.map((id) => grouped.get(id) ?? []);
      },
      { cacheMap: new BoundedMap(20_000) },
    );
  }

  get maxBytes(): number {
    return this.settings.maxBytes;
  }

  /** Before any byte is read: the upload rate, and (customers) the day's bytes. */
  async admit(viewer: Viewer): Promise<void> {
    // A website visitor not stored yet (Viewer.unstored) may upload too: their id is their token's, their first
    // message (which stores them) names the files, and files no message names expire like anyone's.
    await this.limits.consume('uploadPerUser', viewer.id);
    if (viewer.role === Role.CUSTOMER) await this.checkQuota(viewer.id, 0);
  }

  /** Inspects and stores an upload; it waits for a message of its uploader to name it. */
  async store(viewer: Viewer, upload: { name: string | undefined; data: Buffer }): Promise<AttachmentRow> {
    let file;
    try {
      file = await inspectFile(upload.data);
    } catch (error) {
      if (error instanceof RefusedType) throw refusedType(error.reason);
      throw error;
    }
    if (viewer.role === Role.CUSTOMER) await this.checkQuota(viewer.id, file.data.length);
    const store = this.writeStore();
    const id = randomUUID();
    const row = {
      id,
      uploaderId: viewer.id,
      name: cleanName(upload.name),
      contentType: file.contentType,
      size: file.data.length,
      width: file.image?.width ?? null,
      height: file.image?.height ?? null,
      hasThumbnail: Boolean(file.image),
      store: store.name,
    };
    const write = async (runner?: QueryRunner) => {
      await store.put(id, file.data, file.contentType, runner);
      if (file.image) await store.put(thumbnailKey(id), file.image.thumbnail, 'image/webp', runner);
    };
    // PostgreSQL keeps the bytes in the row's transaction; an object store gets them first and loses them again if the row fails.
    if (store.name !== 'postgres') await write();
    try {
      return await inTransaction(this.dataSource, async (runner) => {
        if (store.name === 'postgres') await write(runner);
        const stored = await this.repository.insert(row, runner);
        // In the same transaction: the upload exists if and only if its expiry is scheduled.
        await this.jobs.send(EXPIRE_UPLOAD, { id }, { delaySeconds: this.settings.unclaimedSeconds, transaction: runner });
        return stored;
      });
    } catch (error) {
      if (store.name !== 'postgres') await store.delete(keysOf(row)).catch(() => undefined);
      throw error;
    }
  }

  /** A file (or its thumbnail) for whoever may read its chat, or its uploader while unsent; NOT_FOUND for everyone else. */
  async open(viewer: Viewer, id: string, thumbnail: boolean): Promise<{ row: AttachmentRow; data: Buffer }> {
    const row = isUuid(id) ? await this.repository.find(id) : null;
    if (!row || !(await this.mayRead(viewer, row)) || (thumbnail && !row.hasThumbnail)) throw notFound('file');
    const data = await this.storeOf(row).get(thumbnail ? thumbnailKey(row.id) : row.id);
    if (!data) throw notFound('file');
    return { row, data };
  }

  /** Message.attachments: batched, and cached (they never change once sent). */
  forMessage(message: Pick<MessageRow, 'id'>): Promise<AttachmentRow[]> {
    return this.byMessage.load(message.id).catch((error: unknown) => {
      this.byMessage.clear(message.id);
      throw error;
    });
  }

  /** In the message's transaction (chat calls it): the sender's own pending uploads become the message's, or nothing is written. */
  async claim(runner: QueryRunner, message: MessageRow, senderId: string, ids: readonly string[]): Promise<void> {
    if (!ids.every(isUuid)) throw badAttachmentIds();
    const claimed = await this.repository.claim(runner, message, senderId, ids);
    if (claimed.length !== ids.length) throw notSendable();
  }

  /** The expiry job: deletes the upload and its bytes if still unsent. */
  async expire(id: string): Promise<boolean> {
    const deleted = await inTransaction(this.dataSource, async (runner) => {
      const row = await this.repository.deleteUnclaimed(id, runner);
      if (row?.store === 'postgres') await this.stores.postgres.delete(keysOf(row), runner);
      return row;
    });
    if (deleted && deleted.store !== 'postgres') await this.storeOf(deleted).delete(keysOf(deleted));
    return Boolean(deleted);
  }

  private async mayRead(viewer: Viewer, row: AttachmentRow): Promise<boolean> {
    if (!row.chatId) return row.uploaderId === viewer.id;
    const chat = await this.chats.findChat(row.chatId);
    return Boolean(chat && this.chats.canView(viewer, chat));
  }

  private async checkQuota(customerId: string, adding: number): Promise<void> {
    const used = await this.repository.uploadedSince(customerId, DAY_SECONDS);
    if (used.bytes + adding > this.settings.customerBytesPerDay || (adding === 0 && used.bytes >= this.settings.customerBytesPerDay)) {
      throw quotaExceeded(used.oldestLeavesInSeconds, this.settings.customerBytesPerDay);
    }
  }

  private writeStore(): BlobStore {
    return this.settings.store === 's3' && this.stores.s3 ? this.stores.s3 : this.stores.postgres;
  }

  private storeOf(row: AttachmentRow): BlobStore {
    const store = row.store === 's3' ? this.stores.s3 : this.stores.postgres;
    if (!store) throw new Error(`attachment ${row.id} is kept in the ${row.store} store, which is not configured`);
    return store;
  }
}

/** A Map that forgets its oldest entries past `max` (DataLoader's cache across requests). */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: K, value: V): this {
    if (this.size >= this.max) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}
