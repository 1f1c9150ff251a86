// Subscriptions never serve stale data: the field loaders a long-lived
// subscription uses are per event, so a chat's status and last message are
// current in every event, not what the subscription's first event loaded.
import { acceptChat, sendMessage, startChat, subscribe, useTestServer, waitForSubscriptions, type Person, type TestServer } from '@parley/api/testing';

const CHAT_UPDATED = `subscription { chatUpdated { id status lastMessage { body } } }`;
const MESSAGE_ADDED = `subscription($id: ID!) { messageAdded(chatId: $id) { seq body chat { status lastMessage { seq } } } }`;

const cast = useTestServer({ agents: ['Alex Agent'], customers: ['Casey Customer'] });
let api: TestServer;
let agent: Person;
let customer: Person;
beforeAll(() => ({ api, agents: [agent], customers: [customer] } = cast));

it("chatUpdated carries each chat's current last message in every event", async () => {
  const sub = subscribe<{ id: string; status: string; lastMessage: { body: string } }>(cast.socket(agent.token), CHAT_UPDATED);
  await waitForSubscriptions(api, 'chatUpdated', 1);
  // A first chat, so that the subscription has resolved (and could have cached) a last message.
  const chatId = await startChat(api, customer, 'first words');
  const [created] = await sub.waitFor(1);
  expect(created).toMatchObject({ id: chatId, status: 'QUEUED', lastMessage: { body: 'first words' } });
  await sendMessage(api, customer, chatId, 'anyone there?');
  await acceptChat(api, agent, chatId);
  const events = await sub.waitFor(2);
  expect(events[1]).toMatchObject({ id: chatId, status: 'ACTIVE', lastMessage: { body: 'Alex Agent joined the chat.' } });
  sub.unsubscribe();
});

it("messageAdded's chat has its current status and last message in every event", async () => {
  const chatId = await startChat(api, customer, 'hello again');
  const sub = subscribe<{ seq: number; chat: { status: string; lastMessage: { seq: number } } }>(cast.socket(customer.token), MESSAGE_ADDED, { id: chatId });
  await waitForSubscriptions(api, 'messageAdded', 1);
  await sendMessage(api, customer, chatId, 'still waiting');
  const [first] = await sub.waitFor(1);
  expect(first).toMatchObject({ seq: 2, chat: { status: 'QUEUED', lastMessage: { seq: 2 } } });
  await acceptChat(api, agent, chatId);
  const events = await sub.waitFor(2);
  expect(events[1]).toMatchObject({ seq: 3, chat: { status: 'ACTIVE', lastMessage: { seq: 3 } } });
  sub.unsubscribe();
});
