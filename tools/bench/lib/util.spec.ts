// The generator's own collector pauses, as each load step reports them (generatorGc in the JSON).
import path from 'node:path';

type GcSummary = { collections: number; major: number; pauseMs: number; longestMs: number };
type UtilModule = { gcRecorder: () => { stop: (from: number, to: number) => Promise<GcSummary> } };

const load = (): Promise<UtilModule> => import(path.join(__dirname, 'util.mjs'));

/** Enough short-lived garbage for the young generation to be collected several times over. */
function churn(): number {
  let kept = 0;
  for (let i = 0; i < 400; i++) {
    const chunk = Array.from({ length: 20_000 }, (_, j) => ({ i, j, text: `item ${j}` }));
    kept += chunk.length;
  }
  return kept;
}

describe('gcRecorder', () => {
  it('counts the collections that started inside the window, with their pauses', async () => {
    const { gcRecorder } = await load();
    const recorder = gcRecorder();
    const from = performance.now();
    expect(churn()).toBe(8_000_000);
    const to = performance.now();
    // the entries of the last collections arrive after the window: stop() waits for them
    const gc = await recorder.stop(from, to);
    expect(gc.collections).toBeGreaterThan(0);
    expect(gc.longestMs).toBeGreaterThan(0);
    expect(gc.pauseMs).toBeGreaterThanOrEqual(gc.longestMs);
    expect(gc.major).toBeLessThanOrEqual(gc.collections);
  }, 30_000);

  it('leaves out the collections of before the window', async () => {
    const { gcRecorder } = await load();
    const recorder = gcRecorder();
    churn();
    const from = performance.now();
    const gc = await recorder.stop(from, performance.now());
    expect(gc).toEqual({ collections: 0, major: 0, pauseMs: 0, longestMs: 0 });
  }, 30_000);
});

describe('keepAliveAgent', () => {
  it('closes an idle pooled socket on its own side before a server with a 65 s keep-alive timeout would', async () => {
    const http = await import('node:http');
    const { keepAliveAgent, postJson, IDLE_SOCKET_MS } = (await load()) as unknown as UtilModule & {
      keepAliveAgent: (max?: number) => import('node:http').Agent;
      postJson: (agent: unknown, url: string, body: unknown) => Promise<{ status: number }>;
      IDLE_SOCKET_MS: number;
    };
    const server = http.createServer((_req, res) => res.end('{}'));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = keepAliveAgent(4);
    try {
      const { port } = server.address() as { port: number };
      expect((await postJson(agent, `http://127.0.0.1:${port}/`, {})).status).toBe(200);
      const idle = Object.values(agent.freeSockets).flat();
      expect(idle).toHaveLength(1);
      // the agent destroys a free socket when this timeout fires
      expect(idle[0]?.timeout).toBe(IDLE_SOCKET_MS);
      expect(IDLE_SOCKET_MS).toBeLessThan(server.keepAliveTimeout);
    } finally {
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
