import { acceptChat, createAgent, errorCode, gql, gqlOk, registerCustomer, startChat, startTestServer, type TestServer } from '@parley/api/testing';
import { createLogger } from './logger';

// The production logger, writing to memory: what an operator's log would hold.
jest.setTimeout(30_000);

const lines: string[] = [];
let api: TestServer;
beforeAll(async () => {
  const logger = createLogger({ production: true }, 'debug', { write: (line: string) => void lines.push(line) });
  api = await startTestServer({}, { logger });
});
afterAll(() => api?.stop());

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { token } }`;
const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq } }`;

describe('the log', () => {
  it('never holds message bodies, emails, password hashes or tokens, also when statements fail', async () => {
    const customer = await registerCustomer(api, 'Logged Person');
    const agent = await createAgent(api);
    const chatId = await startChat(api, customer, 'a first message that is private');
    await acceptChat(api, agent, chatId);
    const db = api.server.dataSource;
    // Statements that fail in the database, with the data in their parameters and in PostgreSQL's detail.
    await db.query(`ALTER TABLE users ADD CONSTRAINT provoked_users CHECK ("emailLower" NOT LIKE 'provoked-%')`);
    await db.query(`ALTER TABLE messages ADD CONSTRAINT provoked_messages CHECK (body NOT LIKE '%never log this body%')`);
    await db.query(`ALTER TABLE refresh_tokens ADD CONSTRAINT provoked_sessions CHECK ("userId" <> '${customer.id}') NOT VALID`);
    try {
      const email = 'provoked-person@example.com';
      const password = 'amber lantern 42 quietly';
      const register = await gql(api.graphqlUrl, REGISTER, { input: { email, password, displayName: 'Provoked Name' } });
      expect(errorCode(register)).toBe('INTERNAL_SERVER_ERROR');
      const send = await gql(api.graphqlUrl, SEND, { i: { chatId, body: 'please never log this body' } }, customer.token);
      expect(errorCode(send)).toBe('INTERNAL_SERVER_ERROR');
      const login = await gql(api.graphqlUrl, `mutation($i: LoginInput!) { login(input: $i) { token } }`, {
        i: { email: customer.email, password: customer.password },
      });
      expect(errorCode(login)).toBe('INTERNAL_SERVER_ERROR');
      await gqlOk(api.graphqlUrl, `{ me { id } }`, {}, customer.token);

      await new Promise((r) => setTimeout(r, 200));
      const log = lines.join('');
      // The failures were logged, by request id and constraint, for the operator...
      expect(log).toContain('provoked_users');
      expect(log).toContain('provoked_messages');
      expect(log).toContain('provoked_sessions');
      // ...and nothing of the data went with them.
      const [{ passwordHash }] = await db.query(`SELECT "passwordHash" FROM users WHERE id = $1`, [customer.id]);
      for (const secret of [
        'never log this body',
        'a first message that is private',
        email,
        'provoked-person',
        customer.email,
        agent.email,
        api.admin.email,
        password,
        customer.password,
        passwordHash,
        '$argon2id$',
        customer.token,
        agent.token,
        'Failing row',
        'Provoked Name',
      ]) {
        expect({ secret, found: log.includes(secret) }).toEqual({ secret, found: false });
      }
    } finally {
      await db.query(`ALTER TABLE users DROP CONSTRAINT provoked_users`);
      await db.query(`ALTER TABLE messages DROP CONSTRAINT provoked_messages`);
      await db.query(`ALTER TABLE refresh_tokens DROP CONSTRAINT provoked_sessions`);
    }
  });
});
