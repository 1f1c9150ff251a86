import type { PubSub } from '@parley/api/core';
import type { AvailabilityEvent, NoteRow } from './team.type';

/** The team's live topics; availabilityChanged is keyed by ALL_AGENTS, noteAdded by chat. */
export interface TeamTopics extends Record<string, unknown> {
  availabilityChanged: AvailabilityEvent;
  /** Keyed by chat id; only agents' and admins' subscriptions listen. */
  noteAdded: NoteRow;
}

export const ALL_AGENTS = 'all';

export type TeamPubSub = PubSub<TeamTopics>;
