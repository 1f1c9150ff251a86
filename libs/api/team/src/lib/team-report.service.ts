import { badUserInput, forbidden, Role, type FieldProblem, type Viewer } from '@parley/api/core';
import type { TeamReportRepository } from './team-report.repository';
import { ACTIVITY_LIMITS, type TeamReportRow } from './chat-activity.type';

const DAY_MS = 86_400_000;

/** teamReport: admins' figures for the chats created in [from, to), at most a year of them. */
export class TeamReportService {
  constructor(private readonly repository: TeamReportRepository) {}

  report(viewer: Viewer, from: Date, to: Date): Promise<TeamReportRow> {
    if (viewer.role !== Role.ADMIN) throw forbidden('Only admins see the team report.');
    const problems: FieldProblem[] = [];
    if (Number.isNaN(from.getTime())) problems.push({ field: 'from', message: 'must be a date and time' });
    if (Number.isNaN(to.getTime())) problems.push({ field: 'to', message: 'must be a date and time' });
    else if (to.getTime() <= from.getTime()) problems.push({ field: 'to', message: 'must be after from' });
    else if (to.getTime() - from.getTime() > ACTIVITY_LIMITS.reportMaxDays * DAY_MS) {
      problems.push({ field: 'to', message: `must be at most ${ACTIVITY_LIMITS.reportMaxDays} days after from` });
    }
    if (problems.length) throw badUserInput(problems);
    return this.repository.report(from, to);
  }
}
