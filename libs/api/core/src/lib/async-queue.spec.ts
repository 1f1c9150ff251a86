import { AsyncQueue, isTakingStream } from './async-queue';

describe('AsyncQueue', () => {
  it('hands out values in order, whether they came before or while the consumer waited', async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    const waiting = (async () => [(await queue.next()).value, (await queue.next()).value])();
    await Promise.resolve();
    queue.push(2);
    expect(await waiting).toEqual([1, 2]);
  });

  it('rejects a waiting consumer when it fails, and closes once', async () => {
    const onClose = jest.fn();
    const queue = new AsyncQueue<number>(onClose);
    const waiting = queue.next();
    queue.fail(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('delivers what was queued before a failure, then the failure', async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.fail(new Error('gone'));
    expect(await queue.next()).toEqual({ value: 1, done: false });
    await expect(queue.next()).rejects.toThrow('gone');
    expect(queue.isClosed).toBe(true);
  });

  it('ends a waiting consumer at once on return()', async () => {
    const onClose = jest.fn();
    const queue = new AsyncQueue<number>(onClose);
    const waiting = queue.next();
    await queue.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(onClose).toHaveBeenCalledTimes(1);
    queue.push(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('fails a consumer that lets too much pile up', async () => {
    const queue = new AsyncQueue<number>(undefined, 2);
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect((await queue.next()).value).toBe(1);
    expect((await queue.next()).value).toBe(2);
    await expect(queue.next()).rejects.toThrow('subscriber too slow');
  });

  it('hands several waiting consumers one value each, oldest first, and ends them all on return()', async () => {
    const queue = new AsyncQueue<number>();
    const [first, second, third] = [queue.next(), queue.next(), queue.next()];
    queue.push(1);
    queue.push(2);
    await queue.return();
    expect(await Promise.all([first, second, third])).toEqual([
      { value: 1, done: false },
      { value: 2, done: false },
      { value: undefined, done: true },
    ]);
  });

  it('hands its next result to a taker: at once when there is one, when pushed when not, then the end or the failure', async () => {
    const taken: unknown[] = [];
    const take = (result: unknown) => taken.push(result);
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.takeNext(take);
    expect(taken).toEqual([{ value: 1, done: false }]);
    queue.takeNext(take);
    expect(taken).toHaveLength(1);
    queue.push(2);
    expect(taken).toEqual([{ value: 1, done: false }, { value: 2, done: false }]);
    queue.takeNext(take);
    await queue.return();
    expect(taken[2]).toEqual({ value: undefined, done: true });

    const failing = new AsyncQueue<number>();
    failing.takeNext(take);
    failing.fail(new Error('gone'));
    await expect(taken[3]).rejects.toThrow('gone');
    expect(failing.isClosed).toBe(true);
  });

  describe('mapEach', () => {
    it('maps values as it hands them out, and releases each once the next is asked for', async () => {
      const released: unknown[] = [];
      const queue = new AsyncQueue<number>();
      queue.push(1);
      const mapped = queue.mapEach((n) => ({ n }), (value) => released.push(value));
      expect(await mapped.next()).toEqual({ value: { n: 1 }, done: false });
      expect(released).toEqual([]);
      const waiting = mapped.next();
      expect(released).toEqual([{ n: 1 }]);
      queue.push(2);
      expect(await waiting).toEqual({ value: { n: 2 }, done: false });
    });

    it('hands a taker the mapped value, releasing the last one taken', () => {
      const released: unknown[] = [];
      const taken: unknown[] = [];
      const queue = new AsyncQueue<number>();
      const mapped = queue.mapEach((n) => ({ n }), (value) => released.push(value));
      if (!isTakingStream(mapped)) throw new Error('what mapEach returns should take a taker');
      mapped.takeNext((result) => taken.push(result));
      queue.push(1);
      expect(taken).toEqual([{ value: { n: 1 }, done: false }]);
      mapped.takeNext((result) => taken.push(result));
      expect(released).toEqual([{ n: 1 }]);
    });

    it('waits for a map that answers later', async () => {
      const queue = new AsyncQueue<number>();
      const mapped = queue.mapEach(async (n) => n * 10, () => undefined);
      const waiting = mapped.next();
      queue.push(4);
      expect(await waiting).toEqual({ value: 40, done: false });
    });

    it('ends the queue when the map fails, then rejects with the failure', async () => {
      const onClose = jest.fn();
      const queue = new AsyncQueue<number>(onClose);
      const mapped = queue.mapEach((n) => {
        if (n === 2) throw new Error('cannot map 2');
        return n;
      }, () => undefined);
      queue.push(1);
      expect((await mapped.next()).value).toBe(1);
      const waiting = mapped.next();
      queue.push(2);
      await expect(waiting).rejects.toThrow('cannot map 2');
      expect(onClose).toHaveBeenCalledTimes(1);
      expect(await mapped.next()).toEqual({ value: undefined, done: true });
    });

    it('ends the queue on return()', async () => {
      const onClose = jest.fn();
      const queue = new AsyncQueue<number>(onClose);
      const mapped = queue.mapEach((n) => n, () => undefined);
      const waiting = mapped.next();
      await mapped.return?.();
      expect(await waiting).toEqual({ value: undefined, done: true });
      expect(onClose).toHaveBeenCalledTimes(1);
    });
  });
});
