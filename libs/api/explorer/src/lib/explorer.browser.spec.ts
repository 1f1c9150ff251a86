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
});
