import { defineModule } from '@parley/api/core';
import { AUTHENTICATOR } from '@parley/api/auth';
import { CHAT_SERVICE } from '@parley/api/chat';
import { JOB_QUEUE } from '@parley/api/jobs';
import { AttachmentBlobEntity, AttachmentEntity } from './attachment.entity';
import { MessageAttachmentsResolver } from './attachment.resolver';
import { AttachmentService, DEFAULT_ATTACHMENTS, EXPIRE_UPLOAD } from './attachment.service';
import { PostgresBlobStore, S3BlobStore } from './blob-store';
import { OrphanSweep } from './orphan-sweep';
import { uploadRoutes } from './upload-routes';
import type { MessageRow } from '@parley/api/chat';

/** Files on messages: uploads, their stores (PostgreSQL or S3), authorized downloads, expiry of unsent uploads. */
export const attachmentsModule = defineModule({
  name: 'attachments',
  entities: [AttachmentEntity, AttachmentBlobEntity],
  resolvers: [MessageAttachmentsResolver],
  topics: [],
  directFields: [
    // Resolved for every message of every page and live event: past type-graphql's wrapper (it takes no arguments).
    { resolver: MessageAttachmentsResolver, type: 'Message', field: 'attachments', call: (r: MessageAttachmentsResolver, message: MessageRow) => r.attachments(message) },
  ],
  create({ config, dataSource, limits, logger, services }) {
    const settings = config.attachments ?? DEFAULT_ATTACHMENTS;
    const s3 = settings.s3 ? new S3BlobStore(settings.s3) : undefined;
    const postgres = new PostgresBlobStore(dataSource);
    const jobs = services.get(JOB_QUEUE);
    const chats = services.get(CHAT_SERVICE);
    const attachments = new AttachmentService(dataSource, { postgres, s3 }, settings, limits, jobs, chats);
    chats.useAttachments(attachments);
    void jobs.work(EXPIRE_UPLOAD, async ({ id }) => {
      await attachments.expire(id);
    });
    const sweep = new OrphanSweep(dataSource, { postgres, s3 }, attachments, jobs, logger, settings);
    void sweep.attach();
    return {
      start: () => sweep.start(),
      resolvers: [new MessageAttachmentsResolver(attachments)],
      http: (app) => uploadRoutes(app, attachments, services.get(AUTHENTICATOR), logger),
      async stop() {
        s3?.close();
      },
    };
  },
});
