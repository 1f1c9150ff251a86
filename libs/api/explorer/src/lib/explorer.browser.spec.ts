import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { eventually, launchChromium, Session } from '../testing/browser-session';
import { startStandInApi, STAND_IN_TOKEN, type StandInApi } from '../testing/stand-in-api';

const ROOT = join(__dirname, '../../../../..');
const SCREENSHOT = join(ROOT, 'docs/images/explorer.png');

jest.setTimeout(120_000);

describe('the explorer in Chromium', () => {
  let api: StandInApi;
  let browser: Browser;

  beforeAll(async () => {
    api = await startStandInApi();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('walks an agent through its first tab: sign in, use the token, watch chats live', async () => {
    const session = await Session.open(browser, `${api.url}/graphql`);
    await session.steps(async () => {
      const first = await session.editorValue('operation.graphql');
      expect(first).toMatch(/mutation SignIn[\s\S]*query Queue[\s\S]*subscription WatchChats/);

      await session.runFromMenu('SignIn');
      await session.waitForResult('the token', (text) => text.includes(`"token": "${STAND_IN_TOKEN}"`));
      await session.page.getByTestId('use-token').click();
      expect(JSON.parse(await session.editorValue('request-headers.json'))).toEqual({ Authorization: `Bearer ${STAND_IN_TOKEN}` });

      await session.runFromMenu('Queue');
      await session.waitForResult('the queue', (text) => text.includes('"subject": "Where is my order?"'));

      await session.runFromMenu('WatchChats');
      const statuses = new Set<string>();
      await eventually(
        'the chat to arrive, then be accepted',
        async () => {
          const status = /"status": "(\w+)"/.exec(await session.resultText())?.[1];
          if (status) statuses.add(status);
          return [...statuses];
        },
        (seen) => seen.join() === 'QUEUED,ACTIVE',
      );
      await session.page.getByRole('button', { name: 'Headers', exact: true }).click();
      mkdirSync(join(ROOT, 'docs/images'), { recursive: true });
      await session.page.screenshot({ path: SCREENSHOT });
    });
    expect(session.sockets).toHaveLength(1);
    await session.finish(api.url);
  });

  it('sends a typed Authorization header over HTTP and WebSocket, and shows a refused token', async () => {
    const session = await Session.open(browser, `${api.url}/graphql`);
    await session.steps(async () => {
      await session.typeHeaders(`{"Authorization": "Bearer ${STAND_IN_TOKEN}"}`);
      await session.setOperation('query Hello {\n  hello\n  whoami\n}');
      await session.run();
      const result = await session.waitForResult('the query result', (text) => text.includes(`"whoami": "Bearer ${STAND_IN_TOKEN}"`));
      expect(result).toContain('"hello": "Hello from the stand-in API"');

      // Every event shows in the result pane as it comes.
      await session.setOperation('subscription Ticks {\n  tick\n}');
      await session.run();
      const ticks = new Set<number>();
      await eventually(
        'ticks 1, 2 and 3',
        async () => {
          const tick = /"tick": (\d+)/.exec(await session.resultText())?.[1];
          if (tick) ticks.add(Number(tick));
          return [...ticks].sort();
        },
        (seen) => seen.join() === '1,2,3',
      );

      // A new header means a new socket, and the server refuses this token with 4403.
      await session.typeHeaders('{"Authorization": "Bearer not-the-token"}');
      await session.setOperation('subscription Again {\n  tick\n}');
      await session.run();
      await session.waitForResult('the 4403 close', (text) => text.includes('4403'));
    });
    expect(session.sockets).toHaveLength(2);
    await session.finish(api.url);
  });

  it('keeps passwords and tokens out of the browser\'s storage unless the agent turns that on', async () => {
    const session = await Session.open(browser, `${api.url}/graphql`);
    const stored = () =>
      session.page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
    await session.steps(async () => {
      await session.setOperation('mutation SignIn {\n  login(input: { email: "agent@example.com", password: "hunter-2-secret-pw" }) {\n    token\n  }\n}');
      await session.run();
      await session.waitForResult('the token', (text) => text.includes(`"token": "${STAND_IN_TOKEN}"`));
      await session.page.getByTestId('use-token').click();
      await session.typeHeaders(`{"Authorization": "Bearer ${STAND_IN_TOKEN}", "X-Note": "typed"}`);
      // GraphiQL writes its tabs as the agent works; give it the moment it debounces.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const before = await stored();
      expect(before).not.toContain('hunter-2-secret-pw');
      expect(before).not.toContain(`Bearer ${STAND_IN_TOKEN}`);
      expect(before).not.toContain('"token');

      // Turned on, the tabs are kept (that is what the agent asked for); turned off, they are removed.
      await session.page.getByTestId('remember-tabs').click();
      await eventually('the tabs in localStorage', stored, (text) => text.includes('hunter-2-secret-pw'));
      await session.page.getByTestId('remember-tabs').click();
      expect(await stored()).not.toContain('hunter-2-secret-pw');
      expect(await stored()).not.toContain('graphiql:');
    });
    await session.finish(api.url);
  });

  it('sends the token it set from any tab, new ones included', async () => {
    const session = await Session.open(browser, `${api.url}/graphql`);
    await session.steps(async () => {
      await session.runFromMenu('SignIn');
      await session.waitForResult('the token', (text) => text.includes(`"token": "${STAND_IN_TOKEN}"`));
      await session.page.getByTestId('use-token').click();
      await session.page.getByRole('button', { name: 'New tab' }).click();
      await session.setOperation('query Hello {\n  whoami\n}');
      await session.run();
      await session.waitForResult('the header sent from the new tab', (text) => text.includes(`"whoami": "Bearer ${STAND_IN_TOKEN}"`));
      await session.setOperation('subscription Ticks {\n  tick\n}');
      await session.run();
      await session.waitForResult('a tick over the signed-in socket', (text) => /"tick": \d/.test(text));
    });
    await session.finish(api.url);
  });

  it('keeps a running subscription when the agent switches tabs and back', async () => {
    const session = await Session.open(browser, `${api.url}/graphql`);
    const counted = async () => Number(/"count": (\d+)/.exec(await session.resultText())?.[1] ?? 0);
    await session.steps(async () => {
      await session.typeHeaders(`{"Authorization": "Bearer ${STAND_IN_TOKEN}"}`);
      await session.setOperation('subscription Count {\n  count\n}');
      await session.run();
      await eventually('the count to start', counted, (n) => n >= 2);

      // Another tab, where the agent runs something else.
      await session.page.getByRole('button', { name: 'New tab' }).click();
      await session.setOperation('query Hello {\n  hello\n}');
      await session.run();
      await session.waitForResult('the other tab\'s answer', (text) => text.includes('Hello from the stand-in API'));
      const whenLeft = await (async () => {
        await session.page.getByRole('tab').first().click();
        return counted();
      })();
      // Back on the first tab, the count goes on from where it got to while away.
      await eventually('the count to go on', counted, (n) => n > whenLeft + 2);
      // Play stops it, as ever.
      await session.run();
      // The pane shows the last event again once the stop has gone through (it is empty for a moment).
      const stoppedAt = await eventually('the count where it stopped', counted, (n) => n > whenLeft + 2);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await counted()).toBe(stoppedAt);
    });
    expect(session.sockets).toHaveLength(1);
    await session.finish(api.url);
  });

  it('runs the operation under the cursor when the agent pastes and runs at once (no reply sent twice)', async () => {
    const session = await Session.open(browser, `${api.url}/graphql`);
    await session.steps(async () => {
      const first = 'mutation First {\n  send(text: "first reply")\n}';
      await session.setOperation(first);
      await session.run();
      await session.waitForResult('the first reply sent', (text) => /"send": \d+/.test(text));
      const before = api.sent.length;

      // The second operation is pasted below the first and run within GraphiQL's parse delay.
      await session.pasteAndRun(`${first}\n\nmutation Second {\n  send(text: "second reply")\n}`);
      await eventually('the pasted operation to run', async () => api.sent.slice(before), (sent) => sent.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(api.sent.slice(before)).toEqual(['second reply']);
    });
    await session.finish(api.url);
  });
});
