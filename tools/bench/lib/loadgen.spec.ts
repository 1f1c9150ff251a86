// When the sustained-rate search runs a failed step again (the rule every system is searched under).
import path from 'node:path';

type Step = { pass: boolean; diskFlush?: { slowestMs: number; over50ms: number } | null };
type LoadgenModule = { runAgain: (r: Step, attempt: number, tailOnly: boolean) => boolean };

const load = (): Promise<LoadgenModule> => import(path.join(__dirname, 'loadgen.mjs'));
const failed = (slowestMs: number | null): Step => ({ pass: false, diskFlush: slowestMs == null ? null : { slowestMs, over50ms: slowestMs >= 50 ? 1 : 0 } });

describe('runAgain', () => {
  it('runs a step that failed on its tail once more, whatever the disk did', async () => {
    const { runAgain } = await load();
    expect(runAgain(failed(0), 1, true)).toBe(true);
    expect(runAgain(failed(null), 1, true)).toBe(true);
  });

  it('runs it a third time only when the second run overlapped a disk flush of 100 ms or more', async () => {
    const { runAgain } = await load();
    expect(runAgain(failed(292.5), 2, true)).toBe(true);
    expect(runAgain(failed(99.9), 2, true)).toBe(false);
    expect(runAgain(failed(null), 2, true)).toBe(false);
    // never a fourth
    expect(runAgain(failed(292.5), 3, true)).toBe(false);
  });

  it('never runs again a step that passed, or one that lost, duplicated, reordered or failed sends', async () => {
    const { runAgain } = await load();
    expect(runAgain({ pass: true }, 1, true)).toBe(false);
    expect(runAgain(failed(292.5), 1, false)).toBe(false);
    expect(runAgain(failed(292.5), 2, false)).toBe(false);
  });
});
