import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { Subscription, catchError, firstValueFrom, map, of, type Observable } from 'rxjs';
import { SessionStore } from '@parley/web/auth/data-access';
import { RealtimeConnection, toAppError } from '@parley/web/shared/data-access';
import {
  DeskAgentsGQL,
  DeskAvailabilityChangedGQL,
  DeskCannedRepliesGQL,
  DeskReleaseChatGQL,
  DeskSetAvailabilityGQL,
  DeskSetChatLabelsGQL,
  DeskTransferChatGQL,
  type Availability,
  type DeskAgentFragment,
  type DeskCannedRepliesQuery,
} from '@parley/web/desk/api/data-access';
import { InboxStore } from './inbox.store';

export type CannedReply = DeskCannedRepliesQuery['cannedReplies'][number];

/**
 * The team around the agent: who is on (availability, live), the agent's own
 * availability, the canned replies, and the actions that move a chat between
 * people (transfer, release) or tag it (labels).
 */
@Injectable({ providedIn: 'root' })
export class TeamStore {
  private readonly agentsGql = inject(DeskAgentsGQL);
  private readonly availabilityGql = inject(DeskSetAvailabilityGQL);
  private readonly availabilityChangedGql = inject(DeskAvailabilityChangedGQL);
  private readonly cannedGql = inject(DeskCannedRepliesGQL);
  private readonly transferGql = inject(DeskTransferChatGQL);
  private readonly releaseGql = inject(DeskReleaseChatGQL);
  private readonly labelsGql = inject(DeskSetChatLabelsGQL);
  private readonly realtime = inject(RealtimeConnection);
  private readonly inbox = inject(InboxStore);
  private readonly session = inject(SessionStore);
  private live: Subscription | null = null;

  readonly agents = signal<readonly DeskAgentFragment[]>([]);
  readonly cannedReplies = signal<readonly CannedReply[]>([]);
  readonly me = computed(() => this.agents().find((a) => a.id === this.session.user()?.id) ?? null);
  readonly availability = computed<Availability>(() => this.me()?.availability ?? 'OFFLINE');
  /** Colleagues a chat can go to: active agents and admins other than me. */
  readonly colleagues = computed(() => this.agents().filter((a) => a.active && a.id !== this.session.user()?.id));

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  start(): void {
    if (this.live) return;
    this.live = new Subscription();
    this.loadAgents();
    this.live.add(
      this.realtime.resilient(() => this.availabilityChangedGql.subscribe()).subscribe({
        next: (result) => {
          const agent = result.data?.availabilityChanged;
          if (agent) this.put(agent);
        },
        error: () => undefined,
      }),
    );
    this.live.add(this.realtime.reconnected.subscribe(() => this.loadAgents()));
  }

  stop(): void {
    this.live?.unsubscribe();
    this.live = null;
    this.agents.set([]);
    this.cannedReplies.set([]);
  }

  loadAgents(): void {
    this.agentsGql.fetch().subscribe({
      next: (result) => this.agents.set(result.data?.agents ?? []),
      error: () => undefined,
    });
  }

  loadCannedReplies(): void {
    this.cannedGql.fetch({ variables: {} }).subscribe({
      next: (result) => this.cannedReplies.set(result.data?.cannedReplies ?? []),
      error: () => undefined,
    });
  }

  /** Canned replies the server finds for what follows the "/" (shortcut or text), the first eight; none on error. */
  searchCanned(search: string): Observable<CannedReply[]> {
    return this.cannedGql.fetch({ variables: { search: search || null }, fetchPolicy: 'network-only' }).pipe(
      map((result) => (result.data?.cannedReplies ?? []).slice(0, 8)),
      catchError(() => of([])),
    );
  }

  async setAvailability(availability: Availability): Promise<void> {
    const result = await this.run(this.availabilityGql.mutate({ variables: { availability } }));
    if (result.data?.setAvailability) this.put(result.data.setAvailability);
  }

  async transfer(chatId: string, agentId: string): Promise<void> {
    const result = await this.run(this.transferGql.mutate({ variables: { chatId, agentId } }));
    if (result.data?.transferChat) this.inbox.upsert(result.data.transferChat, false);
  }

  async release(chatId: string): Promise<void> {
    const result = await this.run(this.releaseGql.mutate({ variables: { chatId } }));
    if (result.data?.releaseChat) this.inbox.upsert(result.data.releaseChat, false);
  }

  async setLabels(chatId: string, labels: string[]): Promise<void> {
    const result = await this.run(this.labelsGql.mutate({ variables: { chatId, labels } }));
    if (result.data?.setChatLabels) this.inbox.upsert(result.data.setChatLabels, false);
  }

  private put(agent: DeskAgentFragment): void {
    const list = this.agents();
    const known = list.some((a) => a.id === agent.id);
    this.agents.set(known ? list.map((a) => (a.id === agent.id ? { ...a, ...agent } : a)) : [...list, agent].sort((a, b) => a.displayName.localeCompare(b.displayName)));
  }

  private async run<T>(source: Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(source);
    } catch (e) {
      throw toAppError(e);
    }
  }
}
