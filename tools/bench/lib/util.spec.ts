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
  });

  it('leaves out the collections of before the window', async () => {
    const { gcRecorder } = await load();
    const recorder = gcRecorder();
    churn();
    const from = performance.now();
    const gc = await recorder.stop(from, performance.now());
    expect(gc).toEqual({ collections: 0, major: 0, pauseMs: 0, longestMs: 0 });
  });
});
