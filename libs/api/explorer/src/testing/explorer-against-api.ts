import type { Browser } from 'playwright-core';
import { launchChromium } from './browser-session';
import { startExplorerFront, type ExplorerFront } from './explorer-front';

/** What the explorer needs of a running API (the test harness's server is one). */
interface RunningApi {
  server: { port: number };
  stop(): Promise<void>;
}

/** The API, the explorer in front of it, and Chromium: set before the spec's own hooks run. */
export interface ExplorerAgainstApi<Api extends RunningApi> {
  api: Api;
  front: ExplorerFront;
  browser: Browser;
}

/**
 * The preamble of an explorer spec against the real API: before the tests of
 * the enclosing describe, the API `start` gives, the explorer in front of it
 * and a browser; after them, all three closed.
 */
export function useExplorerAgainstApi<Api extends RunningApi>(start: () => Promise<Api>): ExplorerAgainstApi<Api> {
  const rig = {} as ExplorerAgainstApi<Api>;
  beforeAll(async () => {
    rig.api = await start();
    rig.front = await startExplorerFront(rig.api.server.port);
    rig.browser = await launchChromium();
  });
  afterAll(async () => {
    await rig.browser?.close();
    await rig.front?.close();
    await rig.api?.stop();
  });
  return rig;
}
