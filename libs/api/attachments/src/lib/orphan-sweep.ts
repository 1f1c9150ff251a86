import type { DataSource } from 'typeorm';
import { defineQueue, type JobQueue } from '@parley/api/jobs';
import type { ModuleLogger } from '@parley/api/core';
import { isUuid } from '@parley/api/core';
import { AttachmentRepository } from './attachment.repository';
import type { AttachmentService } from './attachment.service';
import type { PostgresBlobStore, S3BlobStore } from './blob-store';

/** The sweep's one waiting job (short: a second request only moves it earlier). */
export const SWEEP_ORPHANS = defineQueue<{ reason: string }>('attachment-sweep', {
  policy: 'short',
  retry: { limit: 10, delaySeconds: 30, backoff: true, maxDelaySeconds: 600 },
  expireInSeconds: 900,
});

const HOUR = 3600;
const BATCH = 1000;

/**
 * The safety net under the expiry of unsent uploads, on the job queue: bytes
 * that no row names any more are deleted from both stores, whether their row
 * went by cascade (a chat or an account deleted), by an expiry whose delete in
 * the bucket failed after the row's, or never existed (an upload that died
 * between writing its bytes to the bucket and its row); and unsent uploads
 * whose expiry job was lost are expired. Objects younger than the grace
 * period are left alone: an upload writes its bytes before its row.
 */
export class OrphanSweep {
  private readonly repository: AttachmentRepository;

  constructor(
    dataSource: DataSource,
    private readonly stores: { postgres: PostgresBlobStore; s3?: S3BlobStore },
    private readonly attachments: AttachmentService,
    private readonly jobs: JobQueue,
    private readonly logger: Pick<ModuleLogger, 'info'>,
    private readonly settings: { unclaimedSeconds: number; sweepEverySeconds?: number; orphanGraceSeconds?: number },
  ) {
    this.repository = new AttachmentRepository(dataSource);
  }

  private get everySeconds(): number {
    return this.settings.sweepEverySeconds ?? HOUR;
  }

  /** After the queue started: a sweep soon, then one every sweepEverySeconds. */
  async start(): Promise<void> {
    await this.jobs.sendOrHasten(SWEEP_ORPHANS, { reason: 'start' }, { singletonKey: 'sweep', startAt: new Date(Date.now() + this.everySeconds * 1000) });
  }

  async attach(): Promise<void> {
    await this.jobs.work(SWEEP_ORPHANS, async () => void (await this.sweep()));
  }

  /** One run; what it removed. Books the next run last (a failed run is retried by the queue instead). */
  async sweep(): Promise<{ expired: number; blobs: number; objects: number }> {
    let expired = 0;
    for (const id of await this.repository.overdueUnclaimed(this.settings.unclaimedSeconds, HOUR, BATCH)) {
      if (await this.attachments.expire(id)) expired++;
    }
    const blobs = await this.stores.postgres.deleteOrphans(BATCH * 10);
    const objects = this.stores.s3 ? await this.sweepBucket(this.stores.s3) : 0;
    if (expired || blobs || objects) this.logger.info({ expired, blobs, objects }, 'orphaned attachment bytes deleted');
    await this.jobs.sendOrHasten(SWEEP_ORPHANS, { reason: 'every' }, { singletonKey: 'sweep', startAt: new Date(Date.now() + this.everySeconds * 1000) });
    return { expired, blobs, objects };
  }

  private async sweepBucket(s3: S3BlobStore): Promise<number> {
    const before = new Date(Date.now() - (this.settings.orphanGraceSeconds ?? HOUR) * 1000);
    let deleted = 0;
    for await (const keys of s3.keysBefore(before)) {
      // Keys are `<id>` and `<id>/thumbnail`; anything else in the bucket is not ours to judge.
      const ids = [...new Set(keys.map((key) => key.split('/')[0]).filter(isUuid))];
      if (!ids.length) continue;
      const kept = await this.repository.existing(ids);
      const orphans = keys.filter((key) => isUuid(key.split('/')[0]) && !kept.has(key.split('/')[0]));
      if (orphans.length) await s3.delete(orphans);
      deleted += orphans.length;
    }
    return deleted;
  }
}
