import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import {
  acceptChat,
  createAgent,
  errorCode,
  gql,
  gqlOk,
  login,
  registerCustomer,
  sendMessage,
  startChat,
  startChatAt,
  startSmtpReceiver,
  startTestServer,
  until,
  wsClient,
  type SmtpReceiver,
  type TestServer,
} from '@parley/api/testing';

jest.setTimeout(60_000);

const REQUEST = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) { token user { id email } } }`;
const TRANSCRIPT = `mutation($chatId: ID!) { emailTranscript(chatId: $chatId) }`;
const FEATURES = `{ siteFeatures { email } }`;
const ME = `{ me { id } }`;
const STRONG = 'velvet harbour 77 slowly';

let smtp: SmtpReceiver;
let api: TestServer;
// Everything the server logs, at debug level: no message body or reset token may be in it.
const logLines: string[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
);

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  api = await startTestServer(
    { mail: { smtpUrl: smtp.url, from: 'Parley Support <support@parley.test>' }, publicUrl: 'https://chat.example.test' },
    { logger },
  );
});
afterAll(async () => {
  await api?.stop();
  await smtp?.stop();
});

const linkToken = (text: string) => /https:\/\/chat\.example\.test\/reset-password#token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
const jobsOf = (queue: string) =>
  api.server.dataSource.query(`SELECT data, state FROM pgboss.job WHERE name = $1 ORDER BY created_on`, [queue]) as Promise<Array<{ data: any; state: string }>>;

describe('password reset', () => {
  it('emails a single-use link (text and HTML) that sets the password, ends the other sessions and signs in', async () => {
    const customer = await registerCustomer(api, 'Robin Reset');
    expect(await gqlOk(api.graphqlUrl, REQUEST, { email: customer.email.toUpperCase() })).toEqual({ requestPasswordReset: true });
    const [mail] = await smtp.waitFor(1, customer.email);
    expect(mail.from).toBe('"Parley Support" <support@parley.test>');
    expect(mail.subject).toBe('Reset your Parley password');
    const token = linkToken(mail.text);
    expect(token).toBeDefined();
    expect(mail.html).toContain(`https://chat.example.test/reset-password#token=${token}`);
    // Only the token's hash is stored.
    const stored: Array<{ tokenHash: string }> = await api.server.dataSource.query(`SELECT "tokenHash" FROM password_reset_tokens WHERE "userId" = $1`, [customer.id]);
    expect(stored).toHaveLength(1);
    expect(stored[0].tokenHash).not.toContain(token);

    // The policy applies, and a refused password leaves the link usable.
    const weak = await gql(api.graphqlUrl, RESET, { token, password: 'password1' });
    expect(errorCode(weak)).toBe('BAD_USER_INPUT');
    expect(weak.errors?.[0].extensions?.['fields']).toEqual([{ field: 'password', message: expect.stringMatching(/^is too easy to guess/) }]);

    const done = await gqlOk(api.graphqlUrl, RESET, { token, password: STRONG });
    expect(done['resetPassword'].user).toMatchObject({ id: customer.id });
    expect(await gqlOk(api.graphqlUrl, ME, {}, done['resetPassword'].token)).toEqual({ me: { id: customer.id } });
    // The session from before the reset has ended; the old password no longer works, the new one does.
    expect(await gqlOk(api.graphqlUrl, ME, {}, customer.token)).toEqual({ me: null });
    expect(errorCode(await gql(api.graphqlUrl, `mutation($i: LoginInput!) { login(input: $i) { token } }`, { i: { email: customer.email, password: customer.password } }))).toBe('UNAUTHENTICATED');
    await login(api, customer.email, STRONG);

    // Single use.
    const again = await gql(api.graphqlUrl, RESET, { token, password: `${STRONG} again` });
    expect(errorCode(again)).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0].extensions?.['fields']).toEqual([{ field: 'token', message: expect.any(String) }]);
  });

  it('refuses a link older than an hour, and an unknown one', async () => {
    const customer = await registerCustomer(api, 'Old Link');
    await gqlOk(api.graphqlUrl, REQUEST, { email: customer.email });
    const [mail] = await smtp.waitFor(1, customer.email);
    const token = linkToken(mail.text) as string;
    // Issued an hour and a second ago.
    await api.server.dataSource.query(
      `UPDATE password_reset_tokens SET "createdAt" = now() - interval '3601 seconds', "expiresAt" = now() - interval '1 second' WHERE "userId" = $1`,
      [customer.id],
    );
    expect(errorCode(await gql(api.graphqlUrl, RESET, { token, password: STRONG }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, RESET, { token: 'x'.repeat(43), password: STRONG }))).toBe('BAD_USER_INPUT');
    // The old password still works: nothing was changed.
    await login(api, customer.email, customer.password);
  });

  it('answers an unknown address exactly as a known one: the same answer, one queued job each, mail only to the account', async () => {
    const customer = await registerCustomer(api, 'Known Person');
    const unknown = `nobody-${randomUUID().slice(0, 8)}@parley.test`;
    const before = (await jobsOf('email-password-reset')).length;
    const known = await gql(api.graphqlUrl, REQUEST, { email: customer.email });
    const missing = await gql(api.graphqlUrl, REQUEST, { email: unknown });
    expect(missing).toEqual(known);
    expect(known).toEqual({ data: { requestPasswordReset: true } });
    const jobs = (await jobsOf('email-password-reset')).slice(before);
    // Both requests did the same work on the request path: one job, carrying only the address.
    expect(jobs.map((job) => Object.keys(job.data))).toEqual([['email'], ['email']]);
    expect(jobs.map((job) => job.data.email)).toEqual([customer.email.toLowerCase(), unknown]);
    await smtp.waitFor(1, customer.email);
    // Both jobs complete; only the account got mail.
    await until(async () => (await jobsOf('email-password-reset')).slice(before).every((job) => job.state === 'completed'));
    expect(smtp.to(unknown)).toHaveLength(0);
  });

  it('refuses a malformed address as BAD_USER_INPUT', async () => {
    expect(errorCode(await gql(api.graphqlUrl, REQUEST, { email: 'not an address' }))).toBe('BAD_USER_INPUT');
  });
});

describe('transcripts', () => {
  it("emails the chat's customer the messages they can see, as text and HTML", async () => {
    const customer = await registerCustomer(api, 'Tess Transcript');
    const agent = await createAgent(api, 'Alex Answer');
    const chatId = await startChat(api, customer, 'My parcel <b>never</b> came');
    await acceptChat(api, agent, chatId);
    await sendMessage(api, agent, chatId, 'Sorry to hear that: it leaves today.');
    expect(await gqlOk(api.graphqlUrl, TRANSCRIPT, { chatId }, customer.token)).toEqual({ emailTranscript: true });
    // (The customer, away, is also emailed the agent's reply.)
    await until(async () => smtp.to(customer.email).some((mail) => mail.subject.startsWith('Transcript')));
    const transcript = smtp.to(customer.email).find((mail) => mail.subject.startsWith('Transcript'));
    expect(transcript).toBeDefined();
    const text = transcript?.text ?? '';
    expect(text).toContain('Tess Transcript: My parcel <b>never</b> came');
    expect(text).toContain('Alex Answer: Sorry to hear that: it leaves today.');
    expect(text).toContain(`https://chat.example.test/chats/${chatId}`);
    expect(text.indexOf('My parcel')).toBeLessThan(text.indexOf('Sorry to hear'));
    // The customer's markup is shown, never run.
    expect(transcript?.html).toContain('My parcel &lt;b&gt;never&lt;/b&gt; came');
    expect(transcript?.html).toContain('Alex Answer');
  });

  it('is for the chat’s customer only, and BAD_USER_INPUT for a customer without an address', async () => {
    const customer = await registerCustomer(api, 'Owner');
    const other = await registerCustomer(api, 'Other');
    const agent = await createAgent(api, 'Agent T');
    const chatId = await startChat(api, customer, 'hello');
    expect(errorCode(await gql(api.graphqlUrl, TRANSCRIPT, { chatId }, other.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, TRANSCRIPT, { chatId }, agent.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, TRANSCRIPT, { chatId }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, TRANSCRIPT, { chatId: randomUUID() }, customer.token))).toBe('NOT_FOUND');

    const visitor = await gqlOk(api.graphqlUrl, `mutation { startVisitorSession { token user { id } } }`);
    const visitorToken = visitor['startVisitorSession'].token;
    const visitorChat = await startChatAt(api.graphqlUrl, { token: visitorToken }, 'no email here');
    const res = await gql(api.graphqlUrl, TRANSCRIPT, { chatId: visitorChat }, visitorToken);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
  });
});

describe('replies to away customers', () => {
  it('emails an away customer the agent’s reply with a link back, then at most one email per chat every 5 minutes', async () => {
    const customer = await registerCustomer(api, 'Avery Away');
    const agent = await createAgent(api, 'Alex Reply');
    const chatId = await startChat(api, customer, 'Are you there?');
    await acceptChat(api, agent, chatId);
    await sendMessage(api, agent, chatId, 'Yes: your refund is on its way.');
    const [first] = await smtp.waitFor(1, customer.email);
    expect(first.subject).toMatch(/^New reply/);
    expect(first.text).toContain('Alex Reply: Yes: your refund is on its way.');
    expect(first.text).toContain(`https://chat.example.test/chats/${chatId}`);
    expect(first.html).toContain(`href="https://chat.example.test/chats/${chatId}"`);
    // The customer's own message is not repeated back.
    expect(first.text).not.toContain('Are you there?');

    await sendMessage(api, agent, chatId, 'It should arrive by Friday.');
    await sendMessage(api, agent, chatId, 'Anything else?');
    // One job waits for the window's end, whatever the number of replies.
    await until(async () => (await waitingAwayJobs(chatId)).some((job) => new Date(job.start_after).getTime() > Date.now() + 60_000));
    const [waiting] = await waitingAwayJobs(chatId);
    const [state] = await api.server.dataSource.query(`SELECT "lastEmailAt" FROM chat_email_state WHERE "chatId" = $1`, [chatId]);
    expect(Math.abs(new Date(waiting.start_after).getTime() - (new Date(state.lastEmailAt).getTime() + 300_000))).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.to(customer.email)).toHaveLength(1);
    expect(await waitingAwayJobs(chatId)).toHaveLength(1);

    // The window ends (moved forward here): both later replies arrive in one email.
    await api.server.dataSource.query(`UPDATE chat_email_state SET "lastEmailAt" = now() - interval '301 seconds' WHERE "chatId" = $1`, [chatId]);
    await api.server.dataSource.query(`UPDATE pgboss.job SET start_after = now() WHERE name = 'email-away-reply' AND singleton_key = $1 AND state = 'created'`, [chatId]);
    const mails = await smtp.waitFor(2, customer.email);
    expect(mails[1].text).toContain('It should arrive by Friday.');
    expect(mails[1].text).toContain('Anything else?');
    expect(mails[1].text).not.toContain('your refund is on its way');
  });

  it('sends nothing to a customer with a socket open', async () => {
    const customer = await registerCustomer(api, 'Present Pat');
    const agent = await createAgent(api, 'Alex Live');
    const chatId = await startChat(api, customer, 'hi');
    await acceptChat(api, agent, chatId);
    const ws = wsClient(api.wsUrl, customer.token);
    await until(async () => (await gql(api.graphqlUrl, ME, {}, customer.token)).data?.['me'] !== null);
    await new Promise((r) => setTimeout(r, 300));
    try {
      await sendMessage(api, agent, chatId, 'I see you are here.');
      await new Promise((r) => setTimeout(r, 2500));
      expect(smtp.to(customer.email)).toHaveLength(0);
    } finally {
      await ws.dispose();
    }
    // Gone: the next reply is emailed, without the one seen live.
    await new Promise((r) => setTimeout(r, 300));
    await sendMessage(api, agent, chatId, 'Still there?');
    const [mail] = await smtp.waitFor(1, customer.email);
    expect(mail.text).toContain('Still there?');
  });
});

describe('features', () => {
  it('tells anyone that email is on', async () => {
    expect(await gqlOk(api.graphqlUrl, FEATURES)).toEqual({ siteFeatures: { email: true } });
  });
});

describe('logs', () => {
  it('hold no message body, no reset link and no recipient address', async () => {
    const logs = logLines.join('');
    expect(logs).toContain('email sent');
    for (const secret of ['refund is on its way', 'My parcel', 'Still there?', 'reset-password#token', 'Reset your Parley password']) expect(logs).not.toContain(secret);
    for (const mail of smtp.mails) for (const to of mail.to) expect(logs).not.toContain(to);
  });
});

describe('abuse limits', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ rateLimitScale: 1, mail: { smtpUrl: smtp.url, from: 'support@parley.test' } });
  });
  afterAll(async () => {
    await limited?.stop();
  });
  const from = (address: string) => ({ 'x-forwarded-for': address });

  it('limits reset requests per caller, and reset emails per address with the same answer', async () => {
    const jobsFor = async (email: string) =>
      (await limited.server.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'email-password-reset' AND data->>'email' = $1`, [email]))[0].n;
    // Per caller: 5 an hour from one address.
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 6; i++) codes.push(errorCode(await gql(limited.graphqlUrl, REQUEST, { email: `x${i}-${randomUUID().slice(0, 6)}@parley.test` }, undefined, from('198.51.100.60'))));
    expect(codes).toEqual([undefined, undefined, undefined, undefined, undefined, 'RATE_LIMITED']);
    // Per address: from different callers, the fourth request gets the same answer and queues nothing.
    const target = `target-${randomUUID().slice(0, 6)}@parley.test`;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await gql(limited.graphqlUrl, REQUEST, { email: target }, undefined, from(`198.51.100.${70 + i}`)));
    expect(answers).toEqual(Array(4).fill({ data: { requestPasswordReset: true } }));
    expect(await jobsFor(target)).toBe(3);
  });
});

describe('without SMTP_URL', () => {
  let plain: TestServer;
  beforeAll(async () => {
    plain = await startTestServer();
  });
  afterAll(async () => {
    await plain?.stop();
  });

  it('offers no email: siteFeatures says so, nothing is queued, and the operations answer false', async () => {
    expect(await gqlOk(plain.graphqlUrl, FEATURES)).toEqual({ siteFeatures: { email: false } });
    const customer = await registerCustomer(plain, 'No Mail');
    expect(await gqlOk(plain.graphqlUrl, REQUEST, { email: customer.email })).toEqual({ requestPasswordReset: false });
    const chatId = await startChat(plain, customer, 'hi');
    expect(await gqlOk(plain.graphqlUrl, TRANSCRIPT, { chatId }, customer.token)).toEqual({ emailTranscript: false });
    expect(errorCode(await gql(plain.graphqlUrl, RESET, { token: 'x'.repeat(43), password: STRONG }))).toBe('BAD_USER_INPUT');
    const [{ count }] = await plain.server.dataSource.query(`SELECT count(*)::int AS count FROM pgboss.job WHERE name LIKE 'email-%'`);
    expect(count).toBe(0);
  });
});

function waitingAwayJobs(chatId: string): Promise<Array<{ start_after: string }>> {
  return api.server.dataSource.query(
    `SELECT start_after FROM pgboss.job WHERE name = 'email-away-reply' AND singleton_key = $1 AND state IN ('created', 'retry')`,
    [chatId],
  );
}
