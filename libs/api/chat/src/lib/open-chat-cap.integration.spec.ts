// The open-chat cap holds under concurrency: a customer one chat short of it
// who starts two chats at once (two tabs, two keys) gets exactly one, the other
// start is refused with the cap's code, and the database never holds more.
import { randomBytes } from 'node:crypto';
import { MAX_OPEN_CHATS_PER_CUSTOMER } from '@parley/api/core';
import { closeChat, errorCode, gql, startChat, useTestServer, type GraphQLResponse } from '@parley/api/testing';

const START = `mutation($input: StartChatInput!) { startChat(input: $input) { id status } }`;
const ROUNDS = 6;

// The cap is on at any non-zero scale (it is not scaled); ten times the start rate lets every round run within a minute.
const cast = useTestServer({ config: { rateLimitScale: 10 }, customers: ['Casey Customer'] });

const openChats = async (customerId: string): Promise<number> => {
  const [row] = await cast.api.server.dataSource.query(`SELECT count(*)::int AS n FROM chats WHERE "customerId" = $1 AND status <> 'CLOSED'`, [customerId]);
  return row.n as number;
};

it(`two starts at once one short of the cap (${MAX_OPEN_CHATS_PER_CUSTOMER}): one chat, one CONFLICT, never more open than the cap`, async () => {
  const [customer] = cast.customers;
  for (let i = 0; i < MAX_OPEN_CHATS_PER_CUSTOMER - 1; i++) await startChat(cast.api, customer, `earlier chat ${i}`);
  expect(await openChats(customer.id)).toBe(MAX_OPEN_CHATS_PER_CUSTOMER - 1);

  for (let round = 0; round < ROUNDS; round++) {
    const start = (tab: string) =>
      gql<{ startChat: { id: string; status: string } }>(
        cast.api.graphqlUrl,
        START,
        { input: { message: `round ${round} from ${tab}`, clientMessageId: `${tab}-${randomBytes(6).toString('hex')}` } },
        customer.token,
      );
    const results: GraphQLResponse<{ startChat: { id: string; status: string } }>[] = await Promise.all([start('tab-a'), start('tab-b')]);
    const won = results.filter((r) => !r.errors?.length && r.data?.startChat?.id);
    const refused = results.filter((r) => r.errors?.length);
    expect({ round, won: won.length, refused: refused.map(errorCode) }).toEqual({ round, won: 1, refused: ['CONFLICT'] });
    expect(await openChats(customer.id)).toBe(MAX_OPEN_CHATS_PER_CUSTOMER);
    // Back to one short of the cap for the next round.
    await closeChat(cast.api, customer, won[0].data?.startChat.id as string);
    expect(await openChats(customer.id)).toBe(MAX_OPEN_CHATS_PER_CUSTOMER - 1);
  }
});
