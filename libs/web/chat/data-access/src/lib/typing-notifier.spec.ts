import { TYPING_IDLE_MS, TYPING_REFRESH_MS, TypingNotifier } from './typing-notifier';

describe('TypingNotifier', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('says "typing" once, refreshes it, and stops after a pause', () => {
    const sent: boolean[] = [];
    const notifier = new TypingNotifier((t) => sent.push(t), () => Date.now());
    notifier.input('h');
    notifier.input('he');
    notifier.input('hel');
    expect(sent).toEqual([true]);
    jest.advanceTimersByTime(TYPING_REFRESH_MS - 1000);
    notifier.input('hell');
    jest.advanceTimersByTime(1000);
    notifier.input('hello');
    expect(sent).toEqual([true, true]);
    jest.advanceTimersByTime(TYPING_IDLE_MS);
    expect(sent).toEqual([true, true, false]);
  });

  it('stops when the draft is emptied or sent, and only once', () => {
    const sent: boolean[] = [];
    const notifier = new TypingNotifier((t) => sent.push(t));
    notifier.input('hi');
    notifier.input('');
    notifier.stop();
    expect(sent).toEqual([true, false]);
    jest.advanceTimersByTime(TYPING_IDLE_MS * 2);
    expect(sent).toEqual([true, false]);
  });
});
