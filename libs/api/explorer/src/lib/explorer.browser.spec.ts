import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startStandInApi, STAND_IN_TOKEN, type StandInApi } from '../testing/stand-in-api';

// Debian's Chromium, never a downloaded one (apt-get install -y chromium).
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ROOT = join(__dirname, '../../../../..');
const SCREENSHOT = join(ROOT, 'docs/images/explorer.png');

jest.setTimeout(120_000);

type MonacoModel = { uri: { path: string }; getValue(): string; setValue(value: string): void };
type WithMonaco = { __MONACO?: { editor: { getModels(): MonacoModel[] } } };

/** Everything the page did that it should not have. */
interface Trouble {
  consoleErrors: string[];
  pageErrors: string[];
  cspViolations: string[];
  foreignRequests: string[];
}

/** Polls until check passes (Playwright's polling expect belongs to its own runner, not Jest). */
async function eventually<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A fresh browser context on the explorer, recording console errors, CSP violations and every host contacted. */
class Session {
  readonly trouble: Trouble = { consoleErrors: [], pageErrors: [], cspViolations: [], foreignRequests: [] };
  readonly sockets: string[] = [];

  private constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string): Promise<Session> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    const session = new Session(await context.newPage());
    const { page, trouble } = session;
    // Covers the page, its workers and its chunks; WebSockets are recorded apart.
    context.on('request', (req) => {
      if (new URL(req.url()).hostname !== '127.0.0.1') trouble.foreignRequests.push(req.url());
    });
    page.on('websocket', (ws) => session.sockets.push(ws.url()));
    page.on('console', (msg) => {
      if (msg.type() === 'error') trouble.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (error) => trouble.pageErrors.push(error.message));
    // Init scripts are not subject to the page's CSP; this one only listens.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const w = window as unknown as { __csp?: string[] };
        (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });

    const introspected = page.waitForResponse((res) => res.url().endsWith('/graphql') && res.request().postData()?.includes('IntrospectionQuery') === true);
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect((await introspected).status()).toBe(200);
    await page.locator('.graphiql-container').waitFor();
    await page.waitForFunction(() => (globalThis as WithMonaco).__MONACO?.editor.getModels().some((m) => m.uri.path.endsWith('operation.graphql')));
    return session;
  }

  /** Runs the steps; on failure keeps a screenshot for whoever reads the error. */
  async steps(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const file = join(tmpdir(), `parley-explorer-failure-${Date.now()}.png`);
      await this.page.screenshot({ path: file }).catch(() => undefined);
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n(screenshot: ${file})`, { cause: error });
    }
  }

  /** Contents of one of GraphiQL's Monaco models (operation.graphql, request-headers.json, ...). */
  editorValue(file: string): Promise<string> {
    return this.page.evaluate(
      (name) => (globalThis as WithMonaco).__MONACO?.editor.getModels().find((m) => m.uri.path.endsWith(name))?.getValue() ?? '',
      file,
    );
  }

  /** Replaces the operation through Monaco's model, as a paste would (typed text fights auto-indent and bracket closing). */
  async setOperation(text: string): Promise<void> {
    await this.page.evaluate((value) => {
      (globalThis as WithMonaco).__MONACO?.editor
        .getModels()
        .find((m) => m.uri.path.endsWith('operation.graphql'))
        ?.setValue(value);
    }, text);
    // GraphiQL parses the editor after a debounce; the tab title shows when it has.
    const name = /^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(text)?.[1];
    if (!name) throw new Error('Test operations are named, so the tab title tells when GraphiQL has parsed them');
    await this.page.locator('.graphiql-tab-active', { hasText: name }).waitFor();
  }

  /** Opens the Headers tab and types the headers JSON into GraphiQL's headers editor. */
  async typeHeaders(json: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Headers', exact: true }).click();
    await this.page.locator('.graphiql-editor-tool .monaco-editor').filter({ visible: true }).click();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(json);
    await eventually('the headers editor', () => this.editorValue('request-headers.json'), (value) => value === json);
  }

  /** Runs the only operation (with several, the run button opens a menu instead). */
  async run(): Promise<void> {
    await this.page.locator('.graphiql-execute-button:not([aria-haspopup])').click();
  }

  /** Runs one operation of several, picked from the run button's menu. */
  async runFromMenu(operationName: string): Promise<void> {
    await this.page.locator('.graphiql-execute-button[aria-haspopup]').click();
    await this.page.getByRole('menuitem', { name: operationName, exact: true }).click();
  }

  /** What the result pane shows, as a user reads it (Monaco renders non-breaking spaces). */
  async resultText(): Promise<string> {
    return ((await this.page.locator('.graphiql-response .view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');
  }

  waitForResult(what: string, check: (text: string) => boolean): Promise<string> {
    return eventually(what, () => this.resultText(), check);
  }

  /** Asserts the page stayed clean and on its own origin, then closes it. */
  async finish(apiUrl: string): Promise<void> {
    this.trouble.cspViolations = await this.page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    expect(this.trouble).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [], foreignRequests: [] });
    for (const socket of this.sockets) expect(socket).toBe(`${apiUrl.replace('http:', 'ws:')}/graphql`);
    await this.page.context().close();
  }
}

describe('the explorer in Chromium', () => {
  let api: StandInApi;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    api = await startStandInApi();
    // chromium.launch gives every browser a fresh, temporary user-data-dir.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
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
