// @ts-check
// Follows one chat as its customer, prints every message once (a JSON line
// each, in seq order, the history first), and acknowledges each agent
// message with a reply. Stops when an agent writes "bye" (PARLEY_STOP_AT).
// Disconnections and expiring tokens are the SDK's business: this loop never
// sees them.
//
//   PARLEY_URL=http://localhost:3000/graphql PARLEY_EMAIL=casey@example.com \
//   PARLEY_PASSWORD=… PARLEY_CHAT_ID=… node examples/follow-chat.mjs
import WebSocket from 'ws';
import { isParleyError, ParleyClient } from '@parley/sdk';

const env = process.env;
const chatId = env['PARLEY_CHAT_ID'];
const email = env['PARLEY_EMAIL'];
const password = env['PARLEY_PASSWORD'];
const stopAt = env['PARLEY_STOP_AT'] ?? 'bye';
if (!chatId || !email || !password) {
  console.error('Set PARLEY_CHAT_ID, PARLEY_EMAIL and PARLEY_PASSWORD (and PARLEY_URL).');
  process.exit(2);
}

const client = new ParleyClient({
  url: env['PARLEY_URL'] ?? 'http://localhost:3000/graphql',
  // Node has no WebSocket class of its own that graphql-ws can rely on: pass ws.
  webSocketImpl: WebSocket,
  onSocketClose: ({ code, reason }) => console.error(`socket closed: ${code} ${reason}`),
});

try {
  await client.login(email, password);
  // afterSeq 0: the whole history, then live messages.
  for await (const message of client.subscribeToChat(chatId, { afterSeq: 0 })) {
    console.log(JSON.stringify({ seq: message.seq, kind: message.kind, body: message.body }));
    if (message.kind !== 'AGENT') continue;
    if (message.body === stopAt) break;
    // Retried on network errors with one generated clientMessageId: stored once.
    await client.sendMessage({ chatId, body: `Got it: ${message.body}` });
  }
} catch (error) {
  if (!isParleyError(error)) throw error;
  console.error(`${error.code}: ${error.message}`);
  process.exitCode = 1;
} finally {
  await client.dispose();
}
