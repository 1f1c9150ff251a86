import { gqlOk, type TestServer, type Person } from '@parley/api/testing';

/** What an agent's tool would do, through the public API. */
export async function setTyping(api: TestServer, who: Person, chatId: string, typing: boolean): Promise<void> {
  await gqlOk(api.graphqlUrl, 'mutation($id: ID!, $typing: Boolean!) { setTyping(chatId: $id, typing: $typing) }', { id: chatId, typing }, who.token);
}

export interface StoredMessage {
  seq: number;
  body: string;
  kind: string;
}

/** Every message of a chat as the server stores it (oldest first). */
export async function allMessages(api: TestServer, who: Person, chatId: string): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  let after: string | null = null;
  for (;;) {
    const data: any = await gqlOk(
      api.graphqlUrl,
      'query($id: ID!, $after: String) { chat(id: $id) { messages(first: 100, after: $after) { edges { node { seq body kind } } pageInfo { hasNextPage endCursor } } } }',
      { id: chatId, after },
      who.token,
    );
    const page = data.chat.messages;
    out.push(...page.edges.map((e: { node: StoredMessage }) => e.node));
    if (!page.pageInfo.hasNextPage) return out;
    after = page.pageInfo.endCursor;
  }
}
