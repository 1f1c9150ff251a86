import * as vm from 'node:vm';
import type { Browser } from 'playwright-core';
import { acceptChat, createAgent, registerCustomer, startChat, startTestServer, type TestServer } from '@parley/api/testing';
import { Session } from '../testing/browser-session';
import { useExplorerAgainstApi } from '../testing/explorer-against-api';
import { startExplorerFront, type ExplorerFront } from '../testing/explorer-front';

jest.setTimeout(120_000);

// The API imports ES modules (jose) at run time, which Jest allows only under
// --experimental-vm-modules, as `npm test` runs it; a bare `npx jest` skips this file.
const withApi = 'SourceTextModule' in vm ? describe : describe.skip;
if (!('SourceTextModule' in vm)) {
  console.warn('explorer.integration.spec skipped: run with NODE_OPTIONS=--experimental-vm-modules (npm test does).');
}

/** The explorer in Chromium against the real API (PostgreSQL at TEST_POSTGRES_URL, as for every integration spec). */
withApi('the explorer against the Parley API', () => {
  const rig = useExplorerAgainstApi(() => startTestServer());
  let api: TestServer;
  let front: ExplorerFront;
  let browser: Browser;
  beforeAll(() => ({ api, front, browser } = rig));

  it('signs an agent in from the first tab, lists the queue, and shows a chat arriving and being accepted', async () => {
    const agent = await createAgent(api, 'Alex Agent');
    const customer = await registerCustomer(api, 'Casey Customer');
    const waiting = await startChat(api, customer, 'Is anyone there?');

    const session = await Session.open(browser, `${front.url}/graphql`);
    await session.steps(async () => {
      const first = await session.editorValue('operation.graphql');
      await session.setOperation(
        first.replace('"agent@example.com"', JSON.stringify(agent.email)).replace('password: ""', `password: ${JSON.stringify(agent.password)}`),
      );
      await session.runFromMenu('SignIn');
      await session.waitForResult('the token', (text) => text.includes('"role": "AGENT"'));
      await session.page.getByTestId('use-token').click();
      expect(JSON.parse(await session.editorValue('request-headers.json'))).toEqual({ Authorization: expect.stringMatching(/^Bearer \S+$/) });

      await session.runFromMenu('Queue');
      await session.waitForResult('the waiting chat', (text) => text.includes(waiting));

      const before = session.subscribeFrames;
      await session.runFromMenu('WatchChats');
      await session.subscribed(before);
      const chatId = await startChat(api, customer, 'Hello again');
      await session.waitForResult('the new chat', (text) => text.includes(chatId) && text.includes('"status": "QUEUED"'));
      await acceptChat(api, agent, chatId);
      await session.waitForResult(
        'the chat accepted',
        (text) => text.includes(chatId) && text.includes('"status": "ACTIVE"') && text.includes('Alex Agent'),
      );
    });
    expect(session.sockets).toHaveLength(1);
    await session.finish(front.url);
  });

  it('shows the 4403 close when the Authorization header holds no valid token', async () => {
    const session = await Session.open(browser, `${front.url}/graphql`);
    await session.steps(async () => {
      await session.typeHeaders('{"Authorization": "Bearer not-a-token"}');
      await session.setOperation('subscription Watch {\n  chatUpdated {\n    id\n  }\n}');
      await session.run();
      await session.waitForResult('the 4403 close', (text) => text.includes('4403'));
    });
    await session.finish(front.url);
  });

  it('renews the session with the refresh token: requests and a running subscription outlive the access token', async () => {
    // Access tokens of 5 s: the explorer renews at four fifths of their life; the server closes sockets when they expire.
    const shortLived = await startTestServer({ accessTokenTtlSeconds: 5 });
    const shortFront = await startExplorerFront(shortLived.server.port);
    try {
      const agent = await createAgent(shortLived, 'Sam Shift');
      const session = await Session.open(browser, `${shortFront.url}/graphql`);
      await session.steps(async () => {
        const first = await session.editorValue('operation.graphql');
        await session.setOperation(
          first.replace('"agent@example.com"', JSON.stringify(agent.email)).replace('password: ""', `password: ${JSON.stringify(agent.password)}`),
        );
        await session.runFromMenu('SignIn');
        await session.waitForResult('the token', (text) => text.includes('"refreshToken"'));
        await session.page.getByTestId('use-token').click();
        const before = session.subscribeFrames;
        await session.runFromMenu('WatchChats');
        await session.subscribed(before);
        // Three access tokens' lives.
        await new Promise((resolve) => setTimeout(resolve, 12_000));
        // Each socket closes when its token expires and the explorer opens the next with the renewed
        // token (a new subscribe message); chatUpdated has no replay, so the chat starts once it has.
        await session.subscribed(session.subscribeFrames);
        // A customer signed in now (their own token lives 5 s too).
        const customer = await registerCustomer(shortLived, 'Casey Customer');
        const chatId = await startChat(shortLived, customer, 'Still there?');
        await session.waitForResult('the chat, after the first token expired', (text) => text.includes(chatId) && !text.includes('4403'));

        await session.page.getByRole('button', { name: 'New tab' }).click();
        await session.setOperation('query StillSignedIn {\n  queue {\n    id\n  }\n}');
        await session.run();
        await session.waitForResult('the queue', (text) => text.includes(chatId));
      });
      await session.finish(shortFront.url);
    } finally {
      await shortFront.close();
      await shortLived.stop();
    }
  });
});
