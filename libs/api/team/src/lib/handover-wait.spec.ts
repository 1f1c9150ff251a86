import { openState } from './business-hours';
import { backAt, waitWords as waitSentence } from '@parley/api/chat';
import { teamWait, type TeamStatus } from './handover-wait';

/** The wait the handover tells the customer, in the server's English; null for the usual words. */
const waitWords = (status: TeamStatus, timeZone: string) => {
  const wait = teamWait(status, timeZone);
  return wait && waitSentence(wait);
};

// Monday to Friday 09:00-17:00 in Paris (UTC+1 in winter).
const weekdays = { timeZone: 'Europe/Paris', weekly: [1, 2, 3, 4, 5].map((day) => ({ day, openMinute: 540, closeMinute: 1020 })) };

describe("the bot's handover words", () => {
  it('are the usual ones within business hours with someone online', () => {
    expect(waitWords({ withinHours: true, someoneOnline: true, opensAt: null }, 'UTC')).toBeNull();
  });

  it('say when the team is back, in its time zone, outside business hours', () => {
    // Friday 2026-12-04 at 19:00 in Paris: back on Monday at 9:00.
    const state = openState(weekdays, new Date('2026-12-04T18:00:00Z'));
    const words = waitWords({ withinHours: state.open, someoneOnline: false, opensAt: state.opensAt }, weekdays.timeZone);
    expect(words).toBe('our team is away until Monday 9:00 AM (Europe/Paris); an agent will answer then');
  });

  it('say that nobody is online within hours when nobody is', () => {
    expect(waitWords({ withinHours: true, someoneOnline: false, opensAt: null }, 'UTC')).toMatch(/nobody from our team is online right now/);
  });

  it('name the day and time in the zone given', () => {
    expect(backAt(new Date('2026-12-07T08:00:00Z'), 'America/New_York')).toBe('Monday 3:00 AM (America/New_York)');
  });
});
