import { ChangeDetectionStrategy, Component, ElementRef, Injector, LOCALE_ID, afterNextRender, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { toAppError } from '@parley/web/shared/data-access';
import {
  AdminCreateWebhookGQL,
  AdminDeleteWebhookGQL,
  AdminRotateWebhookSecretGQL,
  AdminUpdateWebhookGQL,
  AdminWebhookDeliveriesGQL,
  AdminWebhooksGQL,
  deliveryOutcome,
  describeWebhookError,
  webhookFieldProblems,
  type AdminWebhookDeliveryFragment,
  type AdminWebhookFragment,
} from '@parley/web/desk/admin/data-access';
import { WebhookFormComponent, type WebhookFormValue } from './webhook-form.component';
import { WebhookSecretComponent } from './webhook-secret.component';

/** How many deliveries each webhook shows (the API keeps 30 days of them). */
const RECENT_DELIVERIES = 10;

type Confirming = { id: string; action: 'rotate' | 'delete' };
type Editing = { id: string; problems: Record<string, string> };
type Revealed = { id: string; url: string; secret: string; rotated: boolean };

/**
 * Admins: the endpoints Parley POSTs chat events to. Add one (its signing
 * secret shown once), change its URL and events, pause and resume it, give it
 * a new secret, delete it; each shows its last delivery (read with the list),
 * and its recent deliveries once the admin opens them.
 */
@Component({
  selector: 'parley-desk-webhooks',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [WebhookFormComponent, WebhookSecretComponent],
  templateUrl: './webhooks.page.html',
  styleUrls: ['./admin.css', './admin-table.css', './webhooks.page.css'],
})
export class WebhooksPage {
  private readonly listGql = inject(AdminWebhooksGQL);
  private readonly deliveriesGql = inject(AdminWebhookDeliveriesGQL);
  private readonly createGql = inject(AdminCreateWebhookGQL);
  private readonly updateGql = inject(AdminUpdateWebhookGQL);
  private readonly rotateGql = inject(AdminRotateWebhookSecretGQL);
  private readonly deleteGql = inject(AdminDeleteWebhookGQL);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  private readonly date = new Intl.DateTimeFormat(inject(LOCALE_ID), { dateStyle: 'medium', timeStyle: 'medium' });

  protected readonly state = signal<'loading' | 'ready'>('loading');
  protected readonly busy = signal(false);
  protected readonly webhooks = signal<AdminWebhookFragment[]>([]);
  /** Each webhook's newest delivery (null: none), from the list, and fresher once its deliveries are opened. */
  protected readonly last = signal<ReadonlyMap<string, AdminWebhookDeliveryFragment | null>>(new Map());
  /** The recent deliveries of the webhooks whose list the admin opened. */
  protected readonly deliveries = signal<ReadonlyMap<string, AdminWebhookDeliveryFragment[]>>(new Map());
  protected readonly editing = signal<Editing | null>(null);
  protected readonly confirming = signal<Confirming | null>(null);
  protected readonly revealed = signal<Revealed | null>(null);
  /** The API's word on the add form's fields (url, events). */
  protected readonly problems = signal<Record<string, string>>({});
  protected readonly notice = signal<string | null>(null);
  protected readonly status = signal('');

  constructor() {
    void this.load();
  }

  protected when(iso: string | null): string {
    return iso ? this.date.format(new Date(iso)) : '—';
  }

  protected recent(webhook: AdminWebhookFragment): AdminWebhookDeliveryFragment[] | undefined {
    return this.deliveries().get(webhook.id);
  }

  protected lastOf(webhook: AdminWebhookFragment): AdminWebhookDeliveryFragment | null {
    return this.last().get(webhook.id) ?? null;
  }

  /** One delivery in words: "Delivered (HTTP 200)", "Waiting", "Failing (HTTP 500)", "No answer yet" (in flight, or timed out). */
  protected outcome(delivery: AdminWebhookDeliveryFragment): string {
    const status = delivery.status;
    switch (deliveryOutcome(delivery)) {
      case 'delivered':
        return $localize`:@@desk.webhooks.delivered:Delivered (HTTP ${status}:status:)`;
      case 'waiting':
        return $localize`:@@desk.webhooks.waiting:Waiting`;
      default:
        return status == null ? $localize`:@@desk.webhooks.noAnswer:No answer yet` : $localize`:@@desk.webhooks.failing:Failing (HTTP ${status}:status:)`;
    }
  }

  protected outcomeClass(delivery: AdminWebhookDeliveryFragment): string {
    return `outcome outcome--${deliveryOutcome(delivery)}`;
  }

  protected isConfirming(webhook: AdminWebhookFragment, action: Confirming['action']): boolean {
    const c = this.confirming();
    return c?.id === webhook.id && c.action === action;
  }

  protected ask(webhook: AdminWebhookFragment, action: Confirming['action']): void {
    this.editing.set(null);
    this.confirming.set({ id: webhook.id, action });
    // the confirmation replaces the button that had focus: focus goes to it
    this.focusAfterRender(`[data-confirm="${webhook.id}"]`);
  }

  protected cancel(webhook: AdminWebhookFragment): void {
    const action = this.confirming()?.action;
    this.confirming.set(null);
    this.focusAfterRender(`[data-${action}="${webhook.id}"]`);
  }

  protected async add({ url, events, form }: WebhookFormValue): Promise<void> {
    this.problems.set({});
    this.notice.set(null);
    this.busy.set(true);
    try {
      const result = await firstValueFrom(this.createGql.mutate({ variables: { url, events } }));
      const created = result.data?.createWebhook;
      if (!created) return;
      form.reset();
      this.webhooks.update((list) => [...list, created.webhook]);
      this.last.update((map) => new Map(map).set(created.webhook.id, null));
      this.revealed.set({ id: created.webhook.id, url: created.webhook.url, secret: created.secret, rotated: false });
      this.status.set($localize`:@@desk.webhooks.added:Webhook added for ${created.webhook.url}:url:.`);
    } catch (e) {
      const problems = this.refused(e);
      if (problems) {
        this.problems.set(problems);
        this.focusAfterRender('#add-webhook [aria-invalid="true"]');
      }
    } finally {
      this.busy.set(false);
    }
  }

  protected edit(webhook: AdminWebhookFragment): void {
    this.confirming.set(null);
    this.editing.set({ id: webhook.id, problems: {} });
    this.focusAfterRender(`#edit-${webhook.id}-url`);
  }

  protected isEditing(webhook: AdminWebhookFragment): boolean {
    return this.editing()?.id === webhook.id;
  }

  protected stopEditing(webhook: AdminWebhookFragment): void {
    this.editing.set(null);
    this.focusAfterRender(`[data-edit="${webhook.id}"]`);
  }

  /** Saves the edit form's URL and events (the API checks them as when adding); its problems show beside its fields. */
  protected async saveEdit(webhook: AdminWebhookFragment, { url, events }: WebhookFormValue): Promise<void> {
    this.notice.set(null);
    this.busy.set(true);
    try {
      const result = await firstValueFrom(this.updateGql.mutate({ variables: { id: webhook.id, url, events } }));
      const updated = result.data?.updateWebhook;
      if (!updated) return;
      this.replace(updated);
      this.status.set($localize`:@@desk.webhooks.saved:Webhook ${updated.url}:url: saved.`);
      this.stopEditing(updated);
    } catch (e) {
      const problems = this.refused(e);
      if (problems) {
        this.editing.set({ id: webhook.id, problems });
        this.focusAfterRender(`#edit-${webhook.id} [aria-invalid="true"]`);
      }
    } finally {
      this.busy.set(false);
    }
  }

  protected async setActive(webhook: AdminWebhookFragment, active: boolean): Promise<void> {
    const updated = await this.run(async () => (await firstValueFrom(this.updateGql.mutate({ variables: { id: webhook.id, active } }))).data?.updateWebhook);
    if (!updated) return;
    this.replace(updated);
    this.status.set(
      active ? $localize`:@@desk.webhooks.resumed:${webhook.url}:url: resumed: waiting deliveries go out now.` : $localize`:@@desk.webhooks.paused:${webhook.url}:url: paused: no deliveries until it is resumed.`,
    );
    // the pressed button became its opposite: focus stays on it
    this.focusAfterRender(`[data-toggle="${webhook.id}"]`);
  }

  protected async rotate(webhook: AdminWebhookFragment): Promise<void> {
    const rotated = await this.run(async () => (await firstValueFrom(this.rotateGql.mutate({ variables: { id: webhook.id } }))).data?.rotateWebhookSecret);
    this.confirming.set(null);
    if (!rotated) return;
    this.replace(rotated.webhook);
    this.revealed.set({ id: webhook.id, url: rotated.webhook.url, secret: rotated.secret, rotated: true });
  }

  protected async remove(webhook: AdminWebhookFragment): Promise<void> {
    const deleted = await this.run(async () => (await firstValueFrom(this.deleteGql.mutate({ variables: { id: webhook.id } }))).data?.deleteWebhook);
    this.confirming.set(null);
    if (!deleted) return;
    this.webhooks.update((list) => list.filter((w) => w.id !== webhook.id));
    if (this.revealed()?.id === webhook.id) this.revealed.set(null);
    if (this.editing()?.id === webhook.id) this.editing.set(null);
    this.status.set($localize`:@@desk.webhooks.deleted:Webhook for ${webhook.url}:url: deleted.`);
    this.focusAfterRender('#list-heading');
  }

  /** Puts the secret away; focus goes to its webhook. */
  protected dismissSecret(): void {
    const id = this.revealed()?.id;
    this.revealed.set(null);
    this.focusAfterRender(`[data-webhook="${id}"] h3`);
  }

  protected async refresh(webhook: AdminWebhookFragment): Promise<void> {
    await this.loadDeliveries(webhook);
    this.status.set($localize`:@@desk.webhooks.refreshed:Deliveries of ${webhook.url}:url: refreshed.`);
  }

  /** The first time a webhook's deliveries are opened, they are read. */
  protected toggled(webhook: AdminWebhookFragment, event: Event): void {
    if ((event.target as HTMLDetailsElement).open && !this.deliveries().has(webhook.id)) void this.loadDeliveries(webhook);
  }

  private async load(): Promise<void> {
    try {
      const result = await firstValueFrom(this.listGql.fetch({ fetchPolicy: 'network-only' }));
      const list = result.data?.webhooks ?? [];
      this.webhooks.set(list.map(({ lastDelivery: _last, ...webhook }) => webhook));
      this.last.set(new Map(list.map((w) => [w.id, w.lastDelivery])));
    } catch (e) {
      this.notice.set(describeWebhookError(toAppError(e)));
    } finally {
      this.state.set('ready');
    }
  }

  /** One webhook's recent deliveries (opened, or refreshed); its last delivery follows. */
  private async loadDeliveries(webhook: AdminWebhookFragment): Promise<void> {
    try {
      const result = await firstValueFrom(this.deliveriesGql.fetch({ variables: { webhookId: webhook.id, first: RECENT_DELIVERIES }, fetchPolicy: 'network-only' }));
      const rows = result.data?.webhookDeliveries ?? [];
      this.deliveries.update((map) => new Map(map).set(webhook.id, rows));
      this.last.update((map) => new Map(map).set(webhook.id, rows[0] ?? null));
    } catch (e) {
      this.notice.set(describeWebhookError(toAppError(e)));
    }
  }

  /** BAD_USER_INPUT with fields: their problems, in the desk's words; anything else becomes the notice (and null). */
  private refused(e: unknown): Record<string, string> | null {
    const error = toAppError(e);
    if (error.code === 'BAD_USER_INPUT' && Object.keys(error.fields).length) return webhookFieldProblems(error);
    this.notice.set(describeWebhookError(error));
    return null;
  }

  private replace(webhook: AdminWebhookFragment): void {
    this.webhooks.update((list) => list.map((w) => (w.id === webhook.id ? webhook : w)));
  }

  /** Runs one change; its error, if any, becomes the notice. */
  private async run<T>(change: () => Promise<T>): Promise<T | undefined> {
    this.notice.set(null);
    this.busy.set(true);
    try {
      return await change();
    } catch (e) {
      this.notice.set(describeWebhookError(toAppError(e)));
      return undefined;
    } finally {
      this.busy.set(false);
    }
  }

  private focusAfterRender(selector: string): void {
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>(selector)?.focus(), { injector: this.injector });
  }
}
