import { Role, type Viewer } from '@parley/api/core';
import { CustomerPresence } from './customer-presence';

const viewer = (id: string, role = Role.CUSTOMER) => ({ id, role }) as Viewer;

describe('CustomerPresence (one process)', () => {
  it('counts a customer present while any of their sockets is open, and only customers', async () => {
    const presence = new CustomerPresence();
    await presence.opened(viewer('c1'), 'a');
    await presence.opened(viewer('c1'), 'b');
    await presence.opened(viewer('agent', Role.AGENT), 'c');
    expect(await presence.present('c1')).toBe(true);
    expect(await presence.present('agent')).toBe(false);
    await presence.closed(viewer('c1'), 'a');
    expect(await presence.present('c1')).toBe(true);
    await presence.closed(viewer('c1'), 'b');
    expect(await presence.present('c1')).toBe(false);
    presence.stop();
  });
});
