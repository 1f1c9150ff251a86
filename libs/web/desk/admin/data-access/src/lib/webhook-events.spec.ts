import { chosenEvents, deliveryOutcome } from './webhook-events';

describe('deliveryOutcome', () => {
  it('is delivered once accepted, waiting before any attempt, failing after attempts without a 2xx', () => {
    expect(deliveryOutcome({ deliveredAt: '2026-01-05T10:00:00Z', attempts: 2 })).toBe('delivered');
    expect(deliveryOutcome({ deliveredAt: null, attempts: 0 })).toBe('waiting');
    expect(deliveryOutcome({ deliveredAt: null, attempts: 3 })).toBe('failing');
  });
});

describe('chosenEvents', () => {
  it("keeps the screen's order and drops names it does not offer", () => {
    const data = new FormData();
    for (const e of ['message.created', 'nope', 'chat.created']) data.append('events', e);
    expect(chosenEvents(data)).toEqual(['chat.created', 'message.created']);
    expect(chosenEvents(new FormData())).toEqual([]);
  });
});
