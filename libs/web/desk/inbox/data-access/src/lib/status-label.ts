import type { ChatStatus } from '@parley/web/desk/api/data-access';

/** A chat's status in words, for lists and the customer panel. */
export function statusLabel(status: ChatStatus): string {
  switch (status) {
    case 'QUEUED':
      return $localize`:@@desk.status.queued:Queued`;
    case 'ACTIVE':
      return $localize`:@@desk.status.active:Active`;
    case 'CLOSED':
      return $localize`:@@desk.status.closed:Closed`;
  }
}
