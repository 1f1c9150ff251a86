import type { TeamRepository } from './team.repository';
import type { TeamService } from './team.service';

export interface TeamStatus {
  withinHours: boolean;
  someoneOnline: boolean;
  /** When business hours start again (null while within them). */
  opensAt: Date | null;
}

/**
 * What the bot's handover tells the customer about the wait, in the team's
 * time zone: null while the team is within its hours with someone ONLINE
 * (the usual "an agent will be with you shortly"). Public facts only: no names.
 */
export function waitWords(status: TeamStatus, timeZone: string): string | null {
  if (!status.withinHours) {
    return status.opensAt
      ? `our team is away until ${backAt(status.opensAt, timeZone)}; an agent will answer then`
      : 'our team is away at the moment; an agent will answer when it is back';
  }
  if (!status.someoneOnline) return 'nobody from our team is online right now; an agent will answer as soon as one is back';
  return null;
}

/** "Monday 9:00 AM (Europe/Paris)". */
export function backAt(at: Date, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long' }).format(at);
  const time = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(at);
  return `${day} ${time} (${timeZone})`;
}

/** The handover's words now, from the team's settings and who is online (for ChatService.handover). */
export function teamHandoverWait(team: TeamService, repository: TeamRepository): () => Promise<string | null> {
  return async () => {
    const [status, settings] = await Promise.all([team.teamStatus(), repository.settings()]);
    return waitWords(status, settings.businessHours.timeZone);
  };
}
