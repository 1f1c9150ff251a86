import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { firstValueFrom, type Observable } from 'rxjs';
import { SessionStore } from '@parley/web/auth/data-access';
import { toAppError } from '@parley/web/shared/data-access';
import {
  DeskCreateAgentGQL,
  DeskDeactivateUserGQL,
  DeskReactivateUserGQL,
  DeskSetAgentCapacityGQL,
  DeskTeamSettingsGQL,
  DeskUpdateTeamSettingsGQL,
  type DeskAgentFragment,
  type RoutingMode,
} from '@parley/web/desk/api/data-access';
import { TeamStore } from '@parley/web/desk/inbox/data-access';
import { CannedRepliesAdminComponent } from './canned-replies-admin.component';
import { describeTeamError } from './team-form-problems';

/** Admins: the team (create, capacity, deactivate), canned replies, and how chats are routed. */
@Component({
  selector: 'parley-desk-admin',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CannedRepliesAdminComponent],
  templateUrl: './admin.page.html',
  styleUrl: './admin.page.css',
})
export class AdminPage {
  protected readonly team = inject(TeamStore);
  protected readonly me = inject(SessionStore).user;
  private readonly createAgentGql = inject(DeskCreateAgentGQL);
  private readonly capacityGql = inject(DeskSetAgentCapacityGQL);
  private readonly deactivateGql = inject(DeskDeactivateUserGQL);
  private readonly reactivateGql = inject(DeskReactivateUserGQL);
  private readonly settingsGql = inject(DeskTeamSettingsGQL);
  private readonly updateSettingsGql = inject(DeskUpdateTeamSettingsGQL);
  protected readonly routing = signal<RoutingMode | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly status = signal('');

  constructor() {
    this.team.loadAgents();
    void this.run(this.settingsGql.fetch(), (r) => this.routing.set(r.data?.teamSettings.routing ?? null));
  }

  protected async createAgent(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const input = { displayName: String(data.get('displayName') ?? ''), email: String(data.get('email') ?? ''), password: String(data.get('password') ?? '') };
    if (await this.run(this.createAgentGql.mutate({ variables: { input } }), () => undefined)) {
      form.reset();
      this.team.loadAgents();
      this.status.set($localize`:@@desk.admin.agentCreated:${input.displayName}:name: can sign in now.`);
    }
  }

  protected setCapacity(agent: DeskAgentFragment, event: Event): void {
    const maxChats = Number((event.target as HTMLInputElement).value);
    void this.run(this.capacityGql.mutate({ variables: { agentId: agent.id, maxChats } }), () => this.team.loadAgents());
  }

  protected toggleActive(agent: DeskAgentFragment): void {
    const variables = { userId: agent.id };
    const change: Observable<unknown> = agent.active ? this.deactivateGql.mutate({ variables }) : this.reactivateGql.mutate({ variables });
    void this.run(change, () => this.team.loadAgents());
  }

  protected setRouting(event: Event): void {
    const routing = (event.target as HTMLSelectElement).value as RoutingMode;
    void this.run(this.updateSettingsGql.mutate({ variables: { routing } }), (r) => this.routing.set(r.data?.updateTeamSettings.routing ?? routing));
  }

  protected availability(agent: DeskAgentFragment): string {
    switch (agent.availability) {
      case 'ONLINE':
        return $localize`:@@desk.availability.online:Online`;
      case 'AWAY':
        return $localize`:@@desk.availability.away:Away`;
      default:
        return $localize`:@@desk.availability.offline:Offline`;
    }
  }

  protected capacityLabel(agent: DeskAgentFragment): string {
    return $localize`:@@desk.admin.capacityOf:Most open chats for ${agent.displayName}:name:`;
  }

  private async run<T>(source: Observable<T>, then: (result: T) => void): Promise<boolean> {
    this.notice.set(null);
    try {
      then(await firstValueFrom(source));
      return true;
    } catch (e) {
      this.notice.set(describeTeamError(toAppError(e)));
      return false;
    }
  }
}
