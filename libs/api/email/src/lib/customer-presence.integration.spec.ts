import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Role, type Viewer } from '@parley/api/core';
import { CustomerPresence } from './customer-presence';

const viewer = (id: string) => ({ id, role: Role.CUSTOMER }) as Viewer;

describe('CustomerPresence on Redis (several instances)', () => {
  it('sees a socket opened on another instance, until it closes there', async () => {
    const prefix = `test-${randomUUID().slice(0, 8)}:`;
    const one = new CustomerPresence(new Redis('redis://127.0.0.1:6379'), prefix);
    const two = new CustomerPresence(new Redis('redis://127.0.0.1:6379'), prefix);
    try {
      const id = randomUUID();
      expect(await two.present(id)).toBe(false);
      await one.opened(viewer(id), 'conn-1');
      await waitFor(() => two.present(id));
      await one.closed(viewer(id), 'conn-1');
      await waitFor(async () => !(await two.present(id)));
    } finally {
      one.stop();
      two.stop();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
