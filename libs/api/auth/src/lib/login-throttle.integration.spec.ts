import { errorCode, gql, registerCustomer, startTestServer, type TestServer } from '@parley/api/testing';
import { blockSeconds, MAX_BLOCK_SECONDS } from './login-throttle';

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { token } }`;

jest.setTimeout(30_000);

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer({ rateLimitScale: 1 });
});
afterAll(async () => {
  jest.useRealTimers();
  await api?.stop();
});

// A controllable clock: only Date is faked, so the server, its sockets and its timers run as usual.
const REAL_TIMERS = [
  'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback',
  'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout',
] as const;
beforeEach(() => {
  jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], now: Date.now() });
});
afterEach(() => {
  jest.useRealTimers();
});
const wait = (seconds: number) => jest.setSystemTime(Date.now() + seconds * 1000);

const login = (email: string, password: string, ip: string) =>
  gql(api.graphqlUrl, LOGIN, { input: { email, password } }, undefined, { 'x-forwarded-for': ip });

describe('sign-in throttling', () => {
  it('blocks an address for one account for exactly the documented time, doubling up to 15 minutes', async () => {
    const owner = await registerCustomer(api, 'Owner', '198.51.100.1');
    const attacker = '203.0.113.9';
    const durations: number[] = [];
    for (let block = 1; block <= 6; block++) {
      for (let i = 0; i < 5; i++) {
        expect(errorCode(await login(owner.email, `wrong guess ${i}`, attacker))).toBe('UNAUTHENTICATED');
        wait(1);
      }
      const expected = blockSeconds(block);
      durations.push(expected);
      // Blocked even with the right password, for the whole block and not a moment longer (the clock started at the fifth failure).
      const blocked = await login(owner.email, owner.password, attacker);
      expect(errorCode(blocked)).toBe('RATE_LIMITED');
      expect(blocked.errors?.[0].extensions?.['retryAfterSeconds']).toBe(expected - 1);
      wait(expected - 1.1);
      expect(errorCode(await login(owner.email, owner.password, attacker))).toBe('RATE_LIMITED');
      wait(0.1);
      expect((await login(owner.email, owner.password, attacker)).data?.['login']?.token).toBeTruthy();
    }
    expect(durations).toEqual([60, 120, 240, 480, MAX_BLOCK_SECONDS, MAX_BLOCK_SECONDS]);
  }, 60_000);

  it('never locks the account itself: a flood of failures from everywhere leaves the admin signing in', async () => {
    for (let i = 0; i < 60; i++) {
      const res = await login(api.admin.email, `guess number ${i}`, `192.0.2.${i + 1}`);
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
    }
    // Under the flood, an address that failed once is blocked at once, with the usual first block.
    const again = await login(api.admin.email, 'guess number 60', '192.0.2.60');
    expect(errorCode(again)).toBe('RATE_LIMITED');
    expect(again.errors?.[0].extensions?.['retryAfterSeconds']).toBe(60);
    // The owner, from an address that has not failed, is let in at once.
    expect((await login(api.admin.email, api.admin.password, '198.51.100.77')).data?.['login']?.token).toBeTruthy();
    // And the flood's blocks end when documented.
    wait(60);
    expect((await login(api.admin.email, api.admin.password, '192.0.2.60')).data?.['login']?.token).toBeTruthy();
  }, 60_000);
});
