import { HandoverWaitKind, type HandoverWait } from '@parley/api/chat';
import type { TeamRepository } from './team.repository';
import type { TeamService } from './team.service';

export interface TeamStatus {
  withinHours: boolean;
  someoneOnline: boolean;
  /** When business hours start again (null while within them). */
  opensAt: Date | null;
}

/**
 * When a customer handed over from the bot will be answered, from the team's
 * hours and who is online: null while the team is within its hours with
 * someone ONLINE (the usual SHORTLY). Public facts only: no names.
 */
export function teamWait(status: TeamStatus, timeZone: string): HandoverWait | null {
  if (!status.withinHours) {
    return status.opensAt ? { wait: HandoverWaitKind.AWAY_UNTIL, opensAt: status.opensAt.toISOString(), timeZone } : { wait: HandoverWaitKind.AWAY };
  }
  if (!status.someoneOnline) return { wait: HandoverWaitKind.NOBODY_ONLINE };
  return null;
}

/** The handover's wait now, from the team's settings and who is online (for ChatService.handover). */
export function teamHandoverWait(team: TeamService, repository: TeamRepository): () => Promise<HandoverWait | null> {
  return async () => {
    const [status, settings] = await Promise.all([team.teamStatus(), repository.settings()]);
    return teamWait(status, settings.businessHours.timeZone);
  };
}
