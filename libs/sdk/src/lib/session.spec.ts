import { ParleyError } from './errors.js';
import { SessionKeeper, type Session } from './session.js';

const session = (n: number, expiresInMs = 3600_000): Session => ({
  token: `token-${n}`,
  expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
  refreshToken: `refresh-${n}`,
  refreshExpiresAt: new Date(Date.now() + 86400_000).toISOString(),
});

describe('SessionKeeper', () => {
  it('spends a refresh token once however many callers find the token refused at the same time', async () => {
    const spent: string[] = [];
    const keeper = new SessionKeeper(async (refreshToken) => {
      spent.push(refreshToken);
      return session(2);
    });
    keeper.set(session(1));
    const renewed = await Promise.all([keeper.renew('token-1'), keeper.renew('token-1'), keeper.renew('token-1')]);
    expect(spent).toEqual(['refresh-1']);
    expect(renewed.map((s) => s.token)).toEqual(['token-2', 'token-2', 'token-2']);
    // A caller that still holds the old token after the renewal gets the new session, not a second refresh.
    expect((await keeper.renew('token-1')).token).toBe('token-2');
    expect(spent).toEqual(['refresh-1']);
  });

  it('hands out a token with time left as it is, and renews an expired one first', async () => {
    const spent: string[] = [];
    const keeper = new SessionKeeper(async (refreshToken) => {
      spent.push(refreshToken);
      return session(2);
    });
    keeper.set(session(1));
    expect(await keeper.token()).toBe('token-1');
    keeper.set(session(3, -1_000));
    expect(await keeper.token()).toBe('token-2');
    expect(spent).toEqual(['refresh-3']);
  });

  it('forgets the session when the server refuses the refresh token', async () => {
    const changes: Array<Session | null> = [];
    const keeper = new SessionKeeper(
      async () => {
        throw new ParleyError('UNAUTHENTICATED', 'This session has ended; sign in again.');
      },
      (s) => changes.push(s),
    );
    keeper.set(session(1));
    await expect(keeper.renew('token-1')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(keeper.current).toBeNull();
    expect(changes.at(-1)).toBeNull();
  });

  it('keeps the session when the renewal failed on the network (the refresh token may be unspent)', async () => {
    const keeper = new SessionKeeper(async () => {
      throw new ParleyError('NETWORK_ERROR', 'reset');
    });
    keeper.set(session(1));
    await expect(keeper.renew('token-1')).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(keeper.current?.token).toBe('token-1');
  });
});
