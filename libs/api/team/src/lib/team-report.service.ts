import { badUserInput, forbidden, Role, type FieldProblem, type Viewer } from '@parley/api/core';
import type { TeamReportRepository } from './team-report.repository';
import { ACTIVITY_LIMITS, type TeamReportRow } from './chat-activity.type';

const DAY_MS = 86_400_000;

/** teamReport: admins' figures for the chats created in [from, to), at most a year of them. */
export class TeamReportService {
  constructor(private readonly repository: TeamReportRepository) {}

  report(viewer: Viewer, from: Date, to: Date, timeZone = 'UTC'): Promise<TeamReportRow> {
    if (viewer.role !== Role.ADMIN) throw forbidden('Only admins see the team report.');
    const problems: FieldProblem[] = [];
    if (Number.isNaN(from.getTime())) problems.push({ field: 'from', message: 'must be a date and time' });
    if (Number.isNaN(to.getTime())) problems.push({ field: 'to', message: 'must be a date and time' });
    else if (to.getTime() <= from.getTime()) problems.push({ field: 'to', message: 'must be after from' });
    else if (to.getTime() - from.getTime() > ACTIVITY_LIMITS.reportMaxDays * DAY_MS) {
      problems.push({ field: 'to', message: `must be at most ${ACTIVITY_LIMITS.reportMaxDays} days after from` });
    }
    if (!isTimeZone(timeZone)) problems.push({ field: 'timeZone', message: 'must be an IANA time zone such as Europe/Paris' });
    if (problems.length) throw badUserInput(problems);
    return this.repository.report(from, to, timeZone);
  }
}

/** A zone name both Node and PostgreSQL know (IANA names, as browsers report them); no offsets or abbreviations. */
function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(name) || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
