import { randomUUID } from 'node:crypto';
import { createAgent, errorCode, gql, gqlOk, loginAdmin, registerCustomer, startTestServer, subscribe, wsClient, type TestServer } from '@parley/api/testing';
import { TokenService } from './token.service';
import { Role } from '@parley/api/core';

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { token expiresAt user { id email displayName role createdAt } } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { token user { id role } } }`;
const CREATE_AGENT = `mutation($input: RegisterInput!) { createAgent(input: $input) { id role email displayName } }`;
const ME = `{ me { id email role displayName } }`;
const CHATS = `{ chats { edges { cursor } } }`;

jest.setTimeout(30_000);

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer({ accessRecheckSeconds: 1 });
});
afterAll(async () => {
  await api?.stop();
});

const STRONG = 'amber lantern 42 quietly';
const email = () => `person-${randomUUID().slice(0, 8)}@Example.COM`;

describe('register', () => {
  it('creates a signed-in CUSTOMER and stores an argon2id hash, never the password', async () => {
    const address = email();
    const data = await gqlOk(api.graphqlUrl, REGISTER, { input: { email: address, password: 'correct horse', displayName: '  Robin  ' } });
    expect(data['register'].user).toMatchObject({ email: address, displayName: 'Robin', role: 'CUSTOMER' });
    expect(Date.parse(data['register'].expiresAt)).toBeGreaterThan(Date.now() + 10 * 60_000);
    const [row] = await api.server.dataSource.query(`SELECT "passwordHash" FROM users WHERE id = $1`, [data['register'].user.id]);
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const me = await gqlOk(api.graphqlUrl, ME, {}, data['register'].token);
    expect(me['me']).toMatchObject({ id: data['register'].user.id, email: address });
  });

  it('treats emails case-insensitively: a second account for the same address is a CONFLICT', async () => {
    const address = email();
    await gqlOk(api.graphqlUrl, REGISTER, { input: { email: address, password: STRONG, displayName: 'One' } });
    const again = await gql(api.graphqlUrl, REGISTER, { input: { email: address.toLowerCase(), password: `${STRONG} 2`, displayName: 'Two' } });
    expect(errorCode(again)).toBe('CONFLICT');
    const racing = await Promise.all(
      [1, 2, 3].map(() => gql(api.graphqlUrl, REGISTER, { input: { email: `race-${address}`, password: STRONG, displayName: 'R' } })),
    );
    expect(racing.filter((r) => !r.errors)).toHaveLength(1);
    expect(racing.filter((r) => errorCode(r) === 'CONFLICT')).toHaveLength(2);
  });

  it('refuses common and guessable passwords with a clear field message, and creates nothing', async () => {
    for (const password of ['password1', 'Password123!', 'qwertyuiop', 'iloveyou2024', 'aaaaaaaa1']) {
      const res = await gql(api.graphqlUrl, REGISTER, { input: { email: email(), password, displayName: 'Robin' } });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].extensions?.['fields']).toEqual([{ field: 'password', message: expect.stringMatching(/^is too easy to guess/) }]);
    }
    // Made of the account's own email.
    const address = `wintersunrise@example.com`;
    const own = await gql(api.graphqlUrl, REGISTER, { input: { email: address, password: 'wintersunrise', displayName: 'W' } });
    expect(errorCode(own)).toBe('BAD_USER_INPUT');
    const [{ count }] = await api.server.dataSource.query(`SELECT count(*)::int AS count FROM users WHERE "emailLower" = $1`, [address]);
    expect(count).toBe(0);
  });

  it('removes bidirectional-control and zero-width characters from display names', async () => {
    const data = await gqlOk(api.graphqlUrl, REGISTER, {
      input: { email: email(), password: STRONG, displayName: '\u202Enimda\u202C Ro\u200Bbin\u2066\uFEFF' },
    });
    expect(data['register'].user.displayName).toBe('nimda Robin');
    const invisible = await gql(api.graphqlUrl, REGISTER, { input: { email: email(), password: STRONG, displayName: ' \u200B\u202E\u2067 ' } });
    expect(errorCode(invisible)).toBe('BAD_USER_INPUT');
    expect(invisible.errors?.[0].extensions?.['fields'].map((f: { field: string }) => f.field)).toEqual(['displayName']);
  });

  it('answers a taken email only after the same checks and work as a new one', async () => {
    const taken = email();
    await gqlOk(api.graphqlUrl, REGISTER, { input: { email: taken, password: STRONG, displayName: 'First' } });
    // A weak password is the same input error whether or not the email exists.
    const weakTaken = await gql(api.graphqlUrl, REGISTER, { input: { email: taken, password: 'password1', displayName: 'X' } });
    const weakNew = await gql(api.graphqlUrl, REGISTER, { input: { email: email(), password: 'password1', displayName: 'X' } });
    const answer = (res: typeof weakNew) => ({ data: res.data, message: res.errors?.[0].message, extensions: res.errors?.[0].extensions });
    expect(answer(weakTaken)).toEqual(answer(weakNew));
    // A taken email costs a full password hash too (argon2id: tens of milliseconds, against a few for a look-up).
    const timed = async (address: string) => {
      const started = performance.now();
      await gql(api.graphqlUrl, REGISTER, { input: { email: address, password: STRONG, displayName: 'Again' } });
      return performance.now() - started;
    };
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const takenTimes: number[] = [];
    const newTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      takenTimes.push(await timed(taken));
      newTimes.push(await timed(email()));
    }
    expect(median(takenTimes)).toBeGreaterThan(median(newTimes) * 0.5);
  });

  it('rejects invalid fields, naming each, and creates nothing', async () => {
    const [{ count: before }] = await api.server.dataSource.query(`SELECT count(*)::int AS count FROM users`);
    const cases: Array<[Record<string, string>, string]> = [
      [{ email: 'not-an-email', password: STRONG, displayName: 'A' }, 'email'],
      [{ email: `${'a'.repeat(250)}@x.io`, password: STRONG, displayName: 'A' }, 'email'],
      [{ email: email(), password: 'short', displayName: 'A' }, 'password'],
      [{ email: email(), password: 'p'.repeat(129), displayName: 'A' }, 'password'],
      [{ email: email(), password: STRONG, displayName: '   ' }, 'displayName'],
      [{ email: email(), password: STRONG, displayName: 'n'.repeat(81) }, 'displayName'],
    ];
    for (const [input, field] of cases) {
      const res = await gql(api.graphqlUrl, REGISTER, { input });
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].extensions?.['fields'].map((f: { field: string }) => f.field)).toContain(field);
    }
    const [{ count: after }] = await api.server.dataSource.query(`SELECT count(*)::int AS count FROM users`);
    expect(after).toBe(before);
  });
});

describe('login', () => {
  it('signs in with the right password, whatever the email\'s case', async () => {
    const customer = await registerCustomer(api);
    const data = await gqlOk(api.graphqlUrl, LOGIN, { input: { email: customer.email.toUpperCase(), password: customer.password } });
    expect(data['login'].user.id).toBe(customer.id);
  });

  it('says only that the email or password is wrong', async () => {
    const customer = await registerCustomer(api);
    const wrongPassword = await gql(api.graphqlUrl, LOGIN, { input: { email: customer.email, password: 'nope-nope' } });
    const unknownEmail = await gql(api.graphqlUrl, LOGIN, { input: { email: 'nobody@parley.test', password: 'nope-nope' } });
    expect(errorCode(wrongPassword)).toBe('UNAUTHENTICATED');
    expect(wrongPassword.errors?.[0].message).toBe(unknownEmail.errors?.[0].message);
    expect(errorCode(unknownEmail)).toBe('UNAUTHENTICATED');
  });

  it('refuses over-long passwords as input errors', async () => {
    const res = await gql(api.graphqlUrl, LOGIN, { input: { email: 'x@parley.test', password: 'p'.repeat(10_000) } });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
  });
});

describe('tokens', () => {
  it('ignores a forged, tampered, expired or unsigned token', async () => {
    const customer = await registerCustomer(api);
    const forged = await new TokenService(new Uint8Array(32).fill(7), 900).issueAccessToken({ id: customer.id, role: Role.ADMIN });
    const expired = await new TokenService(api.config.jwtSecret, 1).issueAccessToken({ id: customer.id, role: Role.CUSTOMER });
    const [header, payload] = customer.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'ADMIN' })).toString('base64url');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    await new Promise((r) => setTimeout(r, 2100));
    for (const token of [forged.token, expired.token, `${header}.${elevated}.${customer.token.split('.')[2]}`, unsigned]) {
      expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, token))).toBe('UNAUTHENTICATED');
      expect(await gql(api.graphqlUrl, ME, {}, token)).toEqual({ data: { me: null } });
    }
    expect((await gqlOk(api.graphqlUrl, ME, {}, customer.token))['me'].id).toBe(customer.id);
  });
});

describe('createAgent', () => {
  it('is for admins only', async () => {
    const customer = await registerCustomer(api);
    const agent = await createAgent(api);
    const input = { email: email(), password: STRONG, displayName: 'New Agent' };
    expect(errorCode(await gql(api.graphqlUrl, CREATE_AGENT, { input }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, CREATE_AGENT, { input }, customer.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, CREATE_AGENT, { input }, agent.token))).toBe('FORBIDDEN');
    const admin = await loginAdmin(api);
    const created = await gqlOk(api.graphqlUrl, CREATE_AGENT, { input }, admin.token);
    expect(created['createAgent']).toMatchObject({ role: 'AGENT', email: input.email, displayName: 'New Agent' });
    expect(errorCode(await gql(api.graphqlUrl, CREATE_AGENT, { input }, admin.token))).toBe('CONFLICT');
  });

  it('the configured ADMIN exists once, also after a restart', async () => {
    await api.restart();
    const [{ count }] = await api.server.dataSource.query(`SELECT count(*)::int AS count FROM users WHERE role = 'ADMIN'`);
    expect(count).toBe(1);
    expect((await loginAdmin(api)).token).toBeTruthy();
  });
});

describe('sessions: refresh tokens and sign-out', () => {
  const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { token refreshToken user { id } } }`;
  const signIn = async () => {
    const customer = await registerCustomer(api);
    const data = await gqlOk(api.graphqlUrl, `mutation($i: LoginInput!) { login(input: $i) { token refreshToken refreshExpiresAt } }`, {
      i: { email: customer.email, password: customer.password },
    });
    return { customer, token: data['login'].token as string, refresh: data['login'].refreshToken as string };
  };

  it('rotates the refresh token on every use, and stores only its hash', async () => {
    const { customer, refresh } = await signIn();
    expect(refresh.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    const stored = await api.server.dataSource.query(`SELECT "tokenHash" FROM refresh_tokens WHERE "userId" = $1`, [customer.id]);
    expect(JSON.stringify(stored)).not.toContain(refresh);
    const first = await gqlOk(api.graphqlUrl, REFRESH, { t: refresh });
    expect(first['refreshToken'].user.id).toBe(customer.id);
    expect(first['refreshToken'].refreshToken).not.toBe(refresh);
    expect((await gqlOk(api.graphqlUrl, ME, {}, first['refreshToken'].token))['me'].id).toBe(customer.id);
    const second = await gqlOk(api.graphqlUrl, REFRESH, { t: first['refreshToken'].refreshToken });
    expect(second['refreshToken'].token).toBeTruthy();
  });

  it('revokes the whole session when a spent refresh token is used again', async () => {
    const { refresh } = await signIn();
    const legit = await gqlOk(api.graphqlUrl, REFRESH, { t: refresh });
    const next = await gqlOk(api.graphqlUrl, REFRESH, { t: legit['refreshToken'].refreshToken });
    const replay = await gql(api.graphqlUrl, REFRESH, { t: refresh });
    expect(errorCode(replay)).toBe('UNAUTHENTICATED');
    // The thief's replay ended the session for everyone holding it.
    expect(errorCode(await gql(api.graphqlUrl, REFRESH, { t: next['refreshToken'].refreshToken }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, next['refreshToken'].token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, REFRESH, { t: 'made-up' }))).toBe('UNAUTHENTICATED');
  });

  it('lets a refresh whose answer was lost (its page unloaded) be repeated; the token that answer carried is withdrawn, and using it is reuse', async () => {
    const { refresh } = await signIn();
    const lost = await gqlOk(api.graphqlUrl, REFRESH, { t: refresh });
    const retried = await gqlOk(api.graphqlUrl, REFRESH, { t: refresh });
    const again = await gqlOk(api.graphqlUrl, REFRESH, { t: refresh });
    expect(again['refreshToken'].user.id).toBe(lost['refreshToken'].user.id);
    // the session goes on from the last answer
    const onward = await gqlOk(api.graphqlUrl, REFRESH, { t: again['refreshToken'].refreshToken });
    expect((await gqlOk(api.graphqlUrl, CHATS, {}, onward['refreshToken'].token))['chats']).toBeTruthy();
    // a withdrawn token shown later (someone had a copy of a lost answer) ends the session
    expect(errorCode(await gql(api.graphqlUrl, REFRESH, { t: retried['refreshToken'].refreshToken }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, onward['refreshToken'].token))).toBe('UNAUTHENTICATED');
  });

  it('signs out: the access token, the refresh token and open sockets stop working at once', async () => {
    const { token, refresh } = await signIn();
    const ws = wsClient(api.wsUrl, token);
    subscribe(ws, `subscription { chatUpdated { id } }`);
    await new Promise((r) => setTimeout(r, 200));
    expect(await gqlOk(api.graphqlUrl, `mutation { logout }`, {}, token)).toEqual({ logout: true });
    expect((await ws.closed).code).toBe(4403);
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, token))).toBe('UNAUTHENTICATED');
    expect(await gql(api.graphqlUrl, ME, {}, token)).toEqual({ data: { me: null } });
    expect(errorCode(await gql(api.graphqlUrl, REFRESH, { t: refresh }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, `mutation { logout }`))).toBe('UNAUTHENTICATED');
  });

  it('remembers a sign-out across a restart', async () => {
    const { token } = await signIn();
    await gqlOk(api.graphqlUrl, `mutation { logout }`, {}, token);
    await api.restart();
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, token))).toBe('UNAUTHENTICATED');
  });
});

describe('taking access away', () => {
  const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { token } }`;
  const signIn = async () => {
    const customer = await registerCustomer(api);
    const data = await gqlOk(api.graphqlUrl, `mutation($i: LoginInput!) { login(input: $i) { token refreshToken } }`, {
      i: { email: customer.email, password: customer.password },
    });
    return { customer, token: data['login'].token as string, refresh: data['login'].refreshToken as string };
  };
  const liveSocket = async (token: string) => {
    const ws = wsClient(api.wsUrl, token);
    subscribe(ws, `subscription { chatUpdated { id } }`);
    await new Promise((r) => setTimeout(r, 200));
    return ws;
  };

  it('deactivation ends every token, session and socket at once, and sign-in is refused', async () => {
    const { customer, token, refresh } = await signIn();
    const ws = await liveSocket(token);
    const started = Date.now();
    await api.server.auth.revokeAccess(customer.id, { active: false });
    expect((await ws.closed).code).toBe(4403);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, token))).toBe('UNAUTHENTICATED');
    expect(await gql(api.graphqlUrl, ME, {}, token)).toEqual({ data: { me: null } });
    expect(errorCode(await gql(api.graphqlUrl, REFRESH, { t: refresh }))).toBe('UNAUTHENTICATED');
    const again = await gql(api.graphqlUrl, LOGIN, { input: { email: customer.email, password: customer.password } });
    expect(errorCode(again)).toBe('UNAUTHENTICATED');
    // Reactivated: signs in again; the old token stays dead.
    await api.server.auth.revokeAccess(customer.id, { active: true });
    expect((await gqlOk(api.graphqlUrl, LOGIN, { input: { email: customer.email, password: customer.password } }))['login'].token).toBeTruthy();
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, token))).toBe('UNAUTHENTICATED');
  });

  it('a role change made with revokeAccess ends the tokens that carry the old role', async () => {
    const agent = await createAgent(api);
    const ws = await liveSocket(agent.token);
    await api.server.dataSource.query(`UPDATE users SET role = 'CUSTOMER' WHERE id = $1`, [agent.id]);
    await api.server.auth.revokeAccess(agent.id);
    expect((await ws.closed).code).toBe(4403);
    expect(errorCode(await gql(api.graphqlUrl, `{ queue { id } }`, {}, agent.token))).toBe('UNAUTHENTICATED');
    const relogged = await gqlOk(api.graphqlUrl, LOGIN, { input: { email: agent.email, password: agent.password } });
    expect(relogged['login'].user.role).toBe('CUSTOMER');
  });

  it('a change made straight in the database, with no message, still applies within the recheck interval', async () => {
    const { customer, token } = await signIn();
    const ws = await liveSocket(token);
    expect((await gqlOk(api.graphqlUrl, ME, {}, token))['me'].id).toBe(customer.id);
    await api.server.dataSource.query(`DELETE FROM users WHERE id = $1`, [customer.id]);
    expect((await ws.closed).code).toBe(4403);
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, token))).toBe('UNAUTHENTICATED');
  });

  it('a token whose session the database does not hold is refused', async () => {
    const { customer, token } = await signIn();
    await api.server.dataSource.query(`DELETE FROM refresh_tokens WHERE "userId" = $1`, [customer.id]);
    // This instance has not seen the token yet: the session check finds no session.
    expect(errorCode(await gql(api.graphqlUrl, CHATS, {}, token))).toBe('UNAUTHENTICATED');
  });
});
