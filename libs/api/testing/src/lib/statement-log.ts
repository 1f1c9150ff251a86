import { pgPool } from '@parley/api/database';
import type { TestServer } from './test-server';

/** The statements an instance sends on its pool, observed as they go (the real pool runs them unchanged). */
export class StatementLog {
  private texts: string[] | null = null;
  private readonly wrapped = new WeakSet<object>();

  constructor(api: Pick<TestServer, 'server'>) {
    const pool = pgPool(api.server.dataSource);
    if (!pool) throw new Error('no pool');
    pool.on('acquire', (client: { query: (...args: unknown[]) => unknown }) => {
      if (this.wrapped.has(client)) return;
      this.wrapped.add(client);
      const query = client.query.bind(client);
      client.query = (...args: unknown[]) => {
        const first = args[0] as string | { text?: string };
        this.texts?.push(typeof first === 'string' ? first : (first?.text ?? ''));
        return query(...args);
      };
    });
  }

  /** The statements matching `which` sent while `work` runs and a little after (late reads too), whitespace folded. */
  async during(which: RegExp, work: () => Promise<unknown>): Promise<string[]> {
    this.texts = [];
    await work();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const texts = this.texts;
    this.texts = null;
    return texts.filter((text) => which.test(text)).map((text) => text.replace(/\s+/g, ' ').trim());
  }
}
