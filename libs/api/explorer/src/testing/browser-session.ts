import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

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

/** Launches Chromium; chromium.launch gives every browser a fresh, temporary user-data-dir. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

type MonacoModel = { uri: { path: string }; getValue(): string; setValue(value: string): void; getPositionAt(offset: number): unknown };
type MonacoEditor = { getModel(): MonacoModel | null; setPosition(position: unknown): void; focus(): void; getAction(id: string): { run(): Promise<void> } | null };
type WithMonaco = { __MONACO?: { editor: { getModels(): MonacoModel[]; getEditors(): MonacoEditor[] } } };

/** Everything the page did that it should not have. */
interface Trouble {
  consoleErrors: string[];
  pageErrors: string[];
  cspViolations: string[];
  foreignRequests: string[];
}

/** Polls until check passes (Playwright's polling expect belongs to its own runner, not Jest). */
export async function eventually<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A fresh browser context on the explorer, recording console errors, CSP violations and every host contacted. */
export class Session {
  readonly trouble: Trouble = { consoleErrors: [], pageErrors: [], cspViolations: [], foreignRequests: [] };
  readonly sockets: string[] = [];
  /** graphql-ws subscribe messages the page has sent. */
  subscribeFrames = 0;

  private constructor(readonly page: Page) {}

  /** `introspection`: the status the page's first schema request gets (403 from a production API before sign-in). */
  static async open(browser: Browser, url: string, introspection = 200): Promise<Session> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    const session = new Session(await context.newPage());
    const { page, trouble } = session;
    // Covers the page, its workers and its chunks; WebSockets are recorded apart.
    context.on('request', (req) => {
      if (new URL(req.url()).hostname !== '127.0.0.1') trouble.foreignRequests.push(req.url());
    });
    page.on('websocket', (ws) => {
      session.sockets.push(ws.url());
      ws.on('framesent', (frame) => {
        if (typeof frame.payload === 'string' && frame.payload.includes('"type":"subscribe"')) session.subscribeFrames++;
      });
    });
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

    const introspected = page.waitForResponse(
      (res) => res.url().endsWith('/graphql') && res.request().postData()?.includes('IntrospectionQuery') === true,
    );
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect((await introspected).status()).toBe(introspection);
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
      (name) =>
        (globalThis as WithMonaco).__MONACO?.editor
          .getModels()
          .find((m) => m.uri.path.endsWith(name))
          ?.getValue() ?? '',
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
    const name = /(?:^|\n)\s*(?:query|mutation|subscription)\s+(\w+)/.exec(text)?.[1];
    if (!name) throw new Error('Test operations are named, so the tab title tells when GraphiQL has parsed them');
    await this.page.locator('.graphiql-tab-active', { hasText: name }).waitFor();
  }

  /**
   * Pastes text over the operation with the cursor at its end and presses
   * Ctrl+Enter in the same moment, before GraphiQL has parsed the new text.
   */
  async pasteAndRun(text: string): Promise<void> {
    await this.page.evaluate(async (value) => {
      const editor = (globalThis as WithMonaco).__MONACO?.editor.getEditors().find((e) => e.getModel()?.uri.path.endsWith('operation.graphql'));
      const model = editor?.getModel();
      if (!editor || !model) throw new Error('no operation editor');
      model.setValue(value);
      editor.setPosition(model.getPositionAt(value.length));
      editor.focus();
      await editor.getAction('graphql-run')?.run();
    }, text);
  }

  /** Opens the Headers tab and types the headers JSON into GraphiQL's headers editor. */
  async typeHeaders(json: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Headers', exact: true }).click();
    await this.page.locator('.graphiql-editor-tool .monaco-editor').filter({ visible: true }).click();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(json);
    await eventually(
      'the headers editor',
      () => this.editorValue('request-headers.json'),
      (value) => value === json,
    );
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

  /** Waits until the page has sent one more graphql-ws subscribe message than before. */
  async subscribed(before: number): Promise<void> {
    await eventually(
      'the subscribe message',
      async () => this.subscribeFrames,
      (count) => count > before,
    );
    // The server starts the subscription as it reads the message; give it that moment.
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  /** What the result pane shows, as a user reads it (Monaco renders non-breaking spaces). */
  async resultText(): Promise<string> {
    return ((await this.page.locator('.graphiql-response .view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');
  }

  waitForResult(what: string, check: (text: string) => boolean): Promise<string> {
    return eventually(what, () => this.resultText(), check);
  }

  /** Asserts the page stayed clean and on its own origin, then closes it. */
  async finish(pageOrigin: string): Promise<void> {
    this.trouble.cspViolations = await this.page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    expect(this.trouble).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [], foreignRequests: [] });
    for (const socket of this.sockets) expect(socket).toBe(`${pageOrigin.replace('http:', 'ws:')}/graphql`);
    await this.page.context().close();
  }
}
