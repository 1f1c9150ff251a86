import '@angular/localize/init';
import { Coalescer, badgedTitle, summarize, type AttentionEvent } from './coalescer';

const e = (chatId: string, text: string): AttentionEvent => ({ chatId, who: 'Jamie', text });

describe('desk attention', () => {
  afterEach(() => jest.useRealTimers());

  it('makes one notification of a burst', () => {
    jest.useFakeTimers();
    const flushed: AttentionEvent[][] = [];
    const c = new Coalescer(1_000, (events) => flushed.push([...events]));
    c.add(e('c1', 'hello'));
    c.add(e('c1', 'are you there?'));
    c.add(e('c2', 'hi'));
    expect(flushed).toEqual([]);
    jest.advanceTimersByTime(1_000);
    expect(flushed).toHaveLength(1);
    expect(flushed[0].map((x) => x.text)).toEqual(['hello', 'are you there?', 'hi']);
    c.add(e('c3', 'later'));
    jest.advanceTimersByTime(1_000);
    expect(flushed).toHaveLength(2);
  });

  it('says who and what for one chat, a count for several, and opens the one chat concerned', () => {
    expect(summarize([e('c1', 'hello')])).toEqual({ title: 'Jamie', body: 'hello', chatId: 'c1' });
    const two = summarize([e('c1', 'a'), e('c2', 'b')]);
    expect(two?.title).toBe('2 updates in 2 chats');
    expect(two?.chatId).toBeNull();
    expect(summarize([e('c1', 'a'), e('c1', 'b')])).toEqual({ title: 'Jamie', body: 'a\nb', chatId: 'c1' });
    expect(summarize([])).toBeNull();
  });

  it('badges the tab title with the count, once', () => {
    expect(badgedTitle('Queue · Parley desk', 3)).toBe('(3) Queue · Parley desk');
    expect(badgedTitle('(3) Queue · Parley desk', 5)).toBe('(5) Queue · Parley desk');
    expect(badgedTitle('(5) Queue · Parley desk', 0)).toBe('Queue · Parley desk');
    expect(badgedTitle('Parley desk', 150)).toBe('(99+) Parley desk');
  });
});
