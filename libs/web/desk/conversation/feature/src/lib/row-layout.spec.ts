import { RowLayout } from './row-layout';

const keys = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `s:${from + i}`);

describe('RowLayout', () => {
  it('places rows by their measured heights, and unmeasured ones at the measured average', () => {
    const layout = new RowLayout();
    layout.setKeys(keys(1, 4));
    layout.setHeight('s:1', 40);
    layout.setHeight('s:2', 80);
    // the estimate for s:3 and s:4 is fixed until the rows change: a row measured moves none above it
    expect(layout.offsetAt(2)).toBe(120);
    layout.setKeys(keys(1, 4).slice());
    expect(layout.total()).toBe(40 + 80 + 60 + 60);
    expect(layout.indexAt(0)).toBe(0);
    expect(layout.indexAt(119)).toBe(1);
    expect(layout.indexAt(120)).toBe(2);
    expect(layout.indexAt(10_000)).toBe(3);
    expect(layout.indexAt(-5)).toBe(0);
  });

  it('finds the row being read again once older rows come in above it', () => {
    const heights = new Map<string, number>();
    const layout = new RowLayout(heights);
    layout.setKeys(keys(101, 150));
    for (const key of keys(101, 150)) layout.setHeight(key, 50);
    const place = layout.placeAt(30 * 50 + 20);
    expect(place).toEqual({ key: 's:131', past: 20 });
    layout.setKeys(keys(1, 150));
    // 100 unmeasured rows before it, at the average (50 px)
    expect(layout.offsetOf(place!, 130)).toBe(130 * 50 + 20);
    expect(layout.offsetOf(place!)).toBe(130 * 50 + 20);
    // the heights belong to the caller: a chat shown again starts with them
    expect(new RowLayout(heights).estimate()).toBe(50);
  });

  it('has no place for a row that is not in the list, and none in an empty one', () => {
    const layout = new RowLayout();
    expect(layout.placeAt(0)).toBeNull();
    layout.setKeys(keys(1, 3));
    expect(layout.offsetOf({ key: 's:9', past: 0 })).toBeNull();
    // a place further past its row than the row is tall stays within the row
    layout.setHeight('s:2', 30);
    expect(layout.offsetOf({ key: 's:2', past: 99 })).toBe(layout.offsetAt(1) + 30);
  });
});
