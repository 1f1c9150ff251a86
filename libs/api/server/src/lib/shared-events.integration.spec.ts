import { acceptChat, gqlOk, sendMessage, startChat, subscribe, useTestServer } from '@parley/api/testing';

jest.setTimeout(90_000);

// The desk's own selections, plus every field that differs by who asks: one document text for everyone,
// as the desk and the widget send it, so the server groups them by what they may see.
const CHAT = `subscription { chatUpdated { id status labels notes { body } assignmentReason unreadCount customer { id email } agent { id email availability } } }`;
const MESSAGES = `subscription($chatId: ID!, $afterSeq: Int) { messageAdded(chatId: $chatId, afterSeq: $afterSeq) { seq body sender { id email } } }`;

/**
 * Events shared by subscribers who see them alike (shared-events.ts) still
 * reach each one as they may see it: two agents alike, the customer without
 * notes, labels or the agent's email, with their own read mark, and another
 * customer not at all.
 */
describe('an event executed once per group of subscribers', () => {
  const cast = useTestServer({
    agents: ['Alex', 'Blair'],
    customers: ['Casey', 'Dana'],
  });

  it('gives agents, the chat’s customer and another customer each what they may see of the same events', async () => {
    const [alex, blair] = cast.agents;
    const [casey, dana] = cast.customers;
    if (!alex || !blair || !casey || !dana) throw new Error('the cast is missing');
    const updates = {
      alex: subscribe(cast.socket(alex.token), CHAT),
      blair: subscribe(cast.socket(blair.token), CHAT),
      casey: subscribe(cast.socket(casey.token), CHAT),
      dana: subscribe(cast.socket(dana.token), CHAT),
    };
    await new Promise((r) => setTimeout(r, 300));
    const chatId = await startChat(cast.api, casey, 'my parcel is lost');
    const messages = {
      alex: subscribe(cast.socket(alex.token), MESSAGES, {
        chatId,
        afterSeq: 1,
      }),
      blair: subscribe(cast.socket(blair.token), MESSAGES, {
        chatId,
        afterSeq: 1,
      }),
      casey: subscribe(cast.socket(casey.token), MESSAGES, {
        chatId,
        afterSeq: 1,
      }),
    };
    await gqlOk(cast.api.graphqlUrl, `mutation($c: ID!, $b: String!) { addNote(chatId: $c, body: $b) { id } }`, { c: chatId, b: 'private: a reseller' }, alex.token);
    await gqlOk(cast.api.graphqlUrl, `mutation($c: ID!, $l: [String!]!) { setChatLabels(chatId: $c, labels: $l) { id } }`, { c: chatId, l: ['shipping'] }, alex.token);
    await acceptChat(cast.api, alex, chatId);

    const accepted = (list: Array<{ status: string }>) => list.find((c) => c.status === 'ACTIVE');
    const [alexSaw, blairSaw, caseySaw] = await Promise.all(
      [updates.alex, updates.blair, updates.casey].map(async (s) => {
        await s.waitFor(2, 10_000);
        return accepted(s.values as Array<{ status: string }>) as Record<string, any>;
      }),
    );
    expect(alexSaw).toEqual(blairSaw);
    expect(alexSaw).toMatchObject({
      id: chatId,
      labels: ['shipping'],
      notes: [{ body: 'private: a reseller' }],
      customer: { id: casey.id, email: casey.email },
      agent: { id: alex.id, email: alex.email },
    });
    expect(alexSaw['assignmentReason']).toEqual(expect.any(String));
    expect(caseySaw).toMatchObject({
      id: chatId,
      labels: [],
      notes: null,
      assignmentReason: null,
      customer: { id: casey.id, email: casey.email },
      agent: { id: alex.id, email: null, availability: null },
    });
    // Read marks by role: each as the chat query answers that person now (nothing has changed since).
    const unreadAs = async (token: string) => (await gqlOk(cast.api.graphqlUrl, `query($c: ID!) { chat(id: $c) { unreadCount } }`, { c: chatId }, token))['chat'].unreadCount;
    expect(caseySaw['unreadCount']).toBe(await unreadAs(casey.token));
    expect(alexSaw['unreadCount']).toBe(await unreadAs(blair.token));
    expect(updates.dana.values).toEqual([]);
    expect([...updates.alex.errors, ...updates.blair.errors, ...updates.casey.errors, ...updates.dana.errors]).toEqual([]);

    await sendMessage(cast.api, casey, chatId, 'it was due monday');
    // messageAdded: the customer sees their own email on their own message, and no agent's.
    const byPerson = await Promise.all([messages.alex, messages.blair, messages.casey].map((s) => s.waitFor(2, 10_000)));
    const lastOf = (
      list: Array<{
        seq: number;
        body: string;
        sender: { id: string; email: string | null } | null;
      }>,
    ) => list.find((m) => m.body === 'it was due monday');
    expect(lastOf(byPerson[0] as never)).toEqual(lastOf(byPerson[1] as never));
    expect(lastOf(byPerson[0] as never)?.sender).toEqual({
      id: casey.id,
      email: casey.email,
    });
    expect(lastOf(byPerson[2] as never)?.sender).toEqual({
      id: casey.id,
      email: casey.email,
    });
    await sendMessage(cast.api, alex, chatId, 'looking into it');
    const [alexMessages, , caseyMessages] = await Promise.all([messages.alex, messages.blair, messages.casey].map((s) => s.waitFor(3, 10_000)));
    const replyOf = (list: unknown) => (list as Array<{ body: string; sender: unknown }>).find((m) => m.body === 'looking into it');
    expect(replyOf(alexMessages)?.sender).toEqual({
      id: alex.id,
      email: alex.email,
    });
    expect(replyOf(caseyMessages)?.sender).toEqual({
      id: alex.id,
      email: null,
    });
  });
});
