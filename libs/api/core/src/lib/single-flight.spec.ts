import { SingleFlight } from './single-flight';

/** A read the test answers when it likes, counting how often it was started. */
function reads<T>() {
  const pending: Array<{ resolve: (value: T) => void; reject: (error: Error) => void }> = [];
  const read = () => new Promise<T>((resolve, reject) => pending.push({ resolve, reject }));
  return { read, pending };
}

describe('SingleFlight', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000));

  it('shares one read among the callers who ask while it is under way', async () => {
    const { read, pending } = reads<number>();
    const flight = new SingleFlight(read, { keepMs: 0, now });
    const asked = [flight.get(), flight.get(), flight.get()];
    expect(pending).toHaveLength(1);
    pending[0].resolve(7);
    expect(await Promise.all(asked)).toEqual([7, 7, 7]);
    // Nothing kept (keepMs 0): the next caller reads again.
    void flight.get();
    expect(pending).toHaveLength(2);
  });

  it('reuses an answer for keepMs, then reads again', async () => {
    const { read, pending } = reads<string>();
    const flight = new SingleFlight(read, { keepMs: 1_000, now });
    const first = flight.get();
    pending[0].resolve('a');
    expect(await first).toBe('a');
    clock += 999;
    expect(await flight.get()).toBe('a');
    expect(pending).toHaveLength(1);
    clock += 1;
    const again = flight.get();
    expect(pending).toHaveLength(2);
    pending[1].resolve('b');
    expect(await again).toBe('b');
  });

  it('keeps each answer as long as keepMs says for it', async () => {
    const { read, pending } = reads<boolean>();
    const flight = new SingleFlight(read, { keepMs: (on) => (on ? 1_000 : 0), now });
    const off = flight.get();
    pending[0].resolve(false);
    expect(await off).toBe(false);
    const on = flight.get();
    expect(pending).toHaveLength(2);
    pending[1].resolve(true);
    expect(await on).toBe(true);
    expect(await flight.get()).toBe(true);
    expect(pending).toHaveLength(2);
  });

  it('keeps no failure: its callers see it, the next caller reads again', async () => {
    const { read, pending } = reads<number>();
    const flight = new SingleFlight(read, { keepMs: Infinity, now });
    const asked = [flight.get(), flight.get()];
    pending[0].reject(new Error('database away'));
    for (const answer of asked) await expect(answer).rejects.toThrow('database away');
    const next = flight.get();
    expect(pending).toHaveLength(2);
    pending[1].resolve(3);
    expect(await next).toBe(3);
  });

  it('takes a read that throws before it returns a promise as a failed read', async () => {
    let calls = 0;
    const flight = new SingleFlight<number>(() => {
      if (++calls === 1) throw new Error('no connection');
      return Promise.resolve(calls);
    }, { keepMs: Infinity, now });
    await expect(flight.get()).rejects.toThrow('no connection');
    expect(await flight.get()).toBe(2);
  });

  it('forgets the kept answer and a read under way: their callers keep their answer, the next call reads again', async () => {
    const { read, pending } = reads<number>();
    const flight = new SingleFlight(read, { keepMs: Infinity, now });
    const first = flight.get();
    pending[0].resolve(1);
    expect(await first).toBe(1);
    flight.forget();
    const during = flight.get();
    expect(pending).toHaveLength(2);
    flight.forget();
    const after = flight.get();
    expect(pending).toHaveLength(3);
    pending[2].resolve(3);
    expect(await after).toBe(3);
    pending[1].resolve(2);
    expect(await during).toBe(2);
    // The dropped read, answering last, was not kept over the newer one.
    expect(await flight.get()).toBe(3);
    expect(pending).toHaveLength(3);
  });
});
