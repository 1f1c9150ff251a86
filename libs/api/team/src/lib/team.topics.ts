import type { PubSub } from '@parley/api/core';
import type { AvailabilityEvent } from './team.type';

/** The team's live topics; availabilityChanged is keyed by ALL_AGENTS. */
export interface TeamTopics extends Record<string, unknown> {
  availabilityChanged: AvailabilityEvent;
}

export const ALL_AGENTS = 'all';

export type TeamPubSub = PubSub<TeamTopics>;
