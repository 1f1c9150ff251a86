import fc from 'fast-check';
import { gql, startChat, useTestServer, type Person, type TestServer } from '@parley/api/testing';

// Bad input is the client's error: a GraphQL error with a client code and a 4xx status, never a 500.

const CLIENT_CODES = ['BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED'];

interface Answer {
  status: number;
  codes: string[];
  hasData: boolean;
}

async function send(api: TestServer, body: unknown, token?: string): Promise<Answer> {
  const res = await fetch(api.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
  return { status: res.status, codes: (json.errors ?? []).map((e) => String(e.extensions?.code)), hasData: json.data != null };
}

/** A refusal of the client's input: 4xx, and every error a client code. */
function expectClientError(answer: Answer): void {
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(answer.codes.length).toBeGreaterThan(0);
  for (const code of answer.codes) expect(CLIENT_CODES).toContain(code);
}

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('bad input over HTTP', () => {
  const cast = useTestServer({ agents: ['Alex Agent'], customers: ['Casey Customer'] });
  let api: TestServer;
  let customer: Person;
  let agent: Person;
  let chatId: string;
  beforeAll(async () => {
    ({ api, agents: [agent], customers: [customer] } = cast);
    chatId = await startChat(api, customer);
  });

  it.each([
    ['a syntax error', { query: '{ me { id }' }],
    ['several operations and no operationName', { query: 'query A { me { id } } query B { me { email } }' }],
    ['an operationName that names nothing', { query: 'query A { me { id } }', operationName: 'Nope' }],
    ['an operationName that is not a string', { query: 'query A { me { id } }', operationName: 42 }],
    ['a subscription', { query: 'subscription { chatUpdated { id } }' }],
    ['a subscription among operations', { query: 'query A { me { id } } subscription B { chatUpdated { id } }', operationName: 'B' }],
    ['variables that are not an object', { query: 'query($id: ID!) { chat(id: $id) { id } }', variables: [1] }],
  ])('%s is a client error', async (_name, body) => {
    expectClientError(await send(api, body, agent.token));
  });

  // Each refused field names the rule it broke, whichever input type refused it, so a client can word it itself.
  it('gives every refused field of an input type its rule as a stable reason', async () => {
    const fieldsOf = (answer: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
      [...((answer.errors?.[0]?.extensions?.['fields'] ?? []) as Array<{ field: string }>)].sort((a, b) => a.field.localeCompare(b.field));
    const sent = await gql(
      api.graphqlUrl,
      'mutation($input: SendMessageInput!) { sendMessage(input: $input) { seq } }',
      { input: { chatId, body: '   ', clientMessageId: 'c'.repeat(65) } },
      customer.token,
    );
    expect(fieldsOf(sent)).toEqual([
      { field: 'body', message: 'must be 1 to 4000 characters after trimming', reason: 'trimmedLength' },
      { field: 'clientMessageId', message: 'must be 1 to 64 characters', reason: 'isLength' },
    ]);
    const registered = await gql(api.graphqlUrl, 'mutation($input: RegisterInput!) { register(input: $input) { token } }', {
      input: { email: 'not an address', password: 'short', displayName: 'Casey' },
    });
    expect(fieldsOf(registered)).toEqual([
      { field: 'email', message: 'must be a valid email address', reason: 'isEmail' },
      { field: 'password', message: 'must be 8 to 128 characters', reason: 'isLength' },
    ]);
  });

  it.each([
    ['a seq beyond integer', cursor(['m', 2 ** 40])],
    ['a fractional seq', cursor(['m', 1.5])],
    ['a negative seq', cursor(['m', -1])],
    ['a year PostgreSQL refuses', cursor(['c', '-271821-04-20T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'])],
    ['a date that does not exist', cursor(['c', '2021-02-31T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'])],
    ['a loose date', cursor(['c', '1', '00000000-0000-4000-8000-000000000000'])],
    ['not base64 at all', '%%%'],
  ])('a cursor with %s is BAD_USER_INPUT', async (_name, after) => {
    expectClientError(await send(api, { query: 'query($after: String) { chats(after: $after) { edges { cursor } } }', variables: { after } }, agent.token));
    const messages = await send(
      api,
      { query: 'query($id: ID!, $after: String) { chat(id: $id) { messages(after: $after) { edges { cursor } } } }', variables: { id: chatId, after } },
      agent.token,
    );
    // `chat` is nullable: the page's error leaves { chat: null } (a partial result), never a 500.
    expect(messages.status).toBeLessThan(500);
    expect(messages.codes).toEqual(['BAD_USER_INPUT']);
  });

  // Any JSON value a client can pack into a cursor: each page answers a page or a client error.
  const cursorValue = fc.oneof(
    fc.string(),
    fc.tuple(fc.constant('m'), fc.oneof(fc.integer(), fc.double(), fc.bigInt().map(Number), fc.string())),
    fc.tuple(
      fc.constant('c'),
      fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.integer().map(String)),
      fc.oneof(fc.uuid(), fc.string()),
    ),
    fc.jsonValue(),
  );
  it('answers every cursor with a page or a client error (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(cursorValue.map(cursor), fc.string()), async (after) => {
        const chats = await send(api, { query: 'query($after: String) { chats(after: $after, first: 2) { edges { cursor } } }', variables: { after } }, agent.token);
        expect(chats.status).toBeLessThan(500);
        if (chats.codes.length) expectClientError(chats);
        for (const direction of ['after', 'before']) {
          const page = await send(
            api,
            { query: `query($id: ID!, $c: String) { chat(id: $id) { messages(${direction}: $c, first: 2) { edges { cursor } } } }`, variables: { id: chatId, c: after } },
            customer.token,
          );
          expect(page.status).toBeLessThan(500);
          for (const code of page.codes) expect(CLIENT_CODES).toContain(code);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  // Documents: valid ones cut and spliced at random points, and arbitrary text.
  const valid = [
    'query Q($id: ID!) { chat(id: $id) { id status messages(first: 3) { edges { node { body } } } } }',
    'query { chats(first: 2) { edges { node { id } } pageInfo { hasNextPage } } me { id role } }',
    'mutation M($input: SendMessageInput!) { sendMessage(input: $input) { seq } }',
    'subscription S($id: ID!) { messageAdded(chatId: $id) { seq } }',
    'fragment F on Chat { id } query { chats { edges { node { ...F } } } }',
  ];
  const document = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.nat(), fc.string({ maxLength: 20 })).map(([text, at, cut, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(Math.min(text.length, i + (cut % 10)));
    }),
  );
  it('answers every document with a result or a client error, never a 500 (property)', async () => {
    await fc.assert(
      fc.asyncProperty(document, fc.option(fc.constantFrom('Q', 'M', 'S', 'Nope', '')), async (query, operationName) => {
        const answer = await send(api, { query, operationName, variables: { id: chatId, input: { chatId, body: 'hi' } } }, customer.token);
        expect(answer.status).toBeLessThan(500);
        expect(answer.codes).not.toContain('INTERNAL_SERVER_ERROR');
        if (answer.status >= 400) expectClientError(answer);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
