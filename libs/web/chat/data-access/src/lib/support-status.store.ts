import { Injectable, computed, inject, signal } from '@angular/core';
import { SupportStatusGQL, type SupportStatusQuery } from '../generated/graphql';

export type SupportStatus = SupportStatusQuery['supportStatus'];

/**
 * Whether someone from the team can answer now (supportStatus, public): read
 * when a screen that starts a conversation shows. Unknown until read, and if
 * reading fails (then the usual screen shows: nobody is told the team is away
 * on a guess).
 */
@Injectable({ providedIn: 'root' })
export class SupportStatusStore {
  private readonly gql = inject(SupportStatusGQL);
  readonly status = signal<SupportStatus | null>(null);
  /** Known to be away: nobody ONLINE, or outside business hours. */
  readonly away = computed(() => {
    const status = this.status();
    return !!status && (!status.anyoneOnline || !status.withinBusinessHours);
  });

  load(): void {
    this.gql.fetch({ fetchPolicy: 'network-only' }).subscribe({
      next: (result) => {
        if (result.data?.supportStatus) this.status.set(result.data.supportStatus);
      },
      error: () => undefined,
    });
  }
}
