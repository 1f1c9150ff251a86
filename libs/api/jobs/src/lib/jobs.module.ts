import { defineModule, ServiceKey } from '@parley/api/core';
import { JobQueue } from './job-queue';

/** The one job queue, for the domains that schedule timed or retried work (they register their queues before start). */
export const JOB_QUEUE = new ServiceKey<JobQueue>('job queue');

/**
 * Makes the job queue on the API's own database (DATABASE_URL or the embedded
 * store), starts it once every module has registered its workers, stops it
 * after the modules listed after it have stopped.
 */
export const jobsModule = defineModule({
  name: 'jobs',
  entities: [],
  resolvers: [],
  topics: [],
  create({ dataSource, logger, services }) {
    const url = (dataSource.options as { url?: string }).url;
    if (!url) throw new Error('the job queue needs the database URL');
    const queue = new JobQueue({ url, logger, poolSize: 2 });
    services.provide(JOB_QUEUE, queue);
    return {
      resolvers: [],
      start: () => queue.start(),
      stop: () => queue.stop(),
    };
  },
});
