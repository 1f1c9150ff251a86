import type { ChatMessageFragment } from '../generated/graphql';
import { EMPTY_LOG, addPending, hasConfirmed, lastSeq, mergeMessages, removePending, toTimeline, updatePending } from './message-log';

const ME = 'user-me';
let n = 0;
function msg(seq: number, over: Partial<ChatMessageFragment> = {}): ChatMessageFragment {
  return {
    id: `m${seq}-${n++}`,
    chatId: 'c1',
    seq,
    kind: 'AGENT',
    body: `message ${seq}`,
    clientMessageId: null,
    createdAt: new Date(2026, 0, 1, 10, seq).toISOString(),
    sender: { id: 'agent-1', displayName: 'Alex', role: 'AGENT' },
    ...over,
  };
}
const mine = (seq: number, clientMessageId: string) =>
  msg(seq, { kind: 'CUSTOMER', clientMessageId, sender: { id: ME, displayName: 'Jamie', role: 'CUSTOMER' } });

describe('message log', () => {
  it('keeps each seq once, in order, whatever order and overlap messages arrive in', () => {
    let log = mergeMessages(EMPTY_LOG, [msg(3), msg(4), msg(5)], ME);
    log = mergeMessages(log, [msg(1), msg(2), msg(3)], ME); // an older page overlapping
    log = mergeMessages(log, [msg(5), msg(6), msg(4)], ME); // a replay after reconnecting
    expect(log.confirmed.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lastSeq(log)).toBe(6);
  });

  it('puts an older page before the messages held and newer ones after, keeping the objects it has', () => {
    const held = [msg(101), msg(102)];
    let log = mergeMessages(EMPTY_LOG, held, ME);
    log = addPending(log, { clientMessageId: 'cid-9', body: 'on its way', createdAt: new Date().toISOString() });
    log = mergeMessages(log, [msg(51), msg(52), msg(100)], ME);
    log = mergeMessages(log, [mine(103, 'cid-9')], ME);
    expect(log.confirmed.map((m) => m.seq)).toEqual([51, 52, 100, 101, 102, 103]);
    expect(log.confirmed[3]).toBe(held[0]);
    // the confirmed copy of the pending send replaces it
    expect(log.pending).toEqual([]);
  });

  it('returns the same log when nothing is new (no needless re-render)', () => {
    const log = mergeMessages(EMPTY_LOG, [msg(1)], ME);
    expect(mergeMessages(log, [msg(1)], ME)).toBe(log);
    expect(mergeMessages(log, [], ME)).toBe(log);
  });

  it('shows a send at once as pending, and replaces it with the confirmed copy', () => {
    let log = mergeMessages(EMPTY_LOG, [msg(1)], ME);
    log = addPending(log, { clientMessageId: 'cid-1', body: 'hello', createdAt: new Date().toISOString() });
    let rows = toTimeline(log, ME);
    expect(rows.map((r) => [r.key, r.state])).toEqual([
      ['s:1', 'sent'],
      ['c:cid-1', 'sending'],
    ]);
    // the live stream and the mutation's answer may both deliver it
    log = mergeMessages(log, [mine(2, 'cid-1')], ME);
    log = mergeMessages(log, [mine(2, 'cid-1')], ME);
    rows = toTimeline(log, ME);
    expect(rows.map((r) => [r.key, r.state, r.mine])).toEqual([
      ['s:1', 'sent', false],
      ['c:cid-1', 'sent', true],
    ]);
    expect(hasConfirmed(log, 'cid-1')).toBe(true);
  });

  it('marks failures, retries, and discards pending messages', () => {
    let log = addPending(EMPTY_LOG, { clientMessageId: 'x', body: 'hi', createdAt: '2026-01-01T00:00:00.000Z' });
    log = addPending(log, { clientMessageId: 'x', body: 'hi', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(log.pending).toHaveLength(1);
    log = updatePending(log, 'x', { state: 'failed', error: 'Not sent' });
    expect(toTimeline(log, ME)[0]).toMatchObject({ state: 'failed', error: 'Not sent' });
    log = removePending(log, 'x');
    expect(toTimeline(log, ME)).toEqual([]);
  });

  it('shows BOT and SYSTEM messages, which have no sender', () => {
    const log = mergeMessages(EMPTY_LOG, [msg(1, { kind: 'SYSTEM', sender: null, body: 'Alex joined' }), msg(2, { kind: 'BOT', sender: null })], ME);
    expect(toTimeline(log, ME).map((r) => [r.kind, r.senderName, r.mine])).toEqual([
      ['SYSTEM', null, false],
      ['BOT', null, false],
    ]);
  });
});
