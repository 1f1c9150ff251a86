import { randomBytes } from 'node:crypto';
import { badUserInput, checkPageSize, forbidden, isUuid, notFound, Role, type FieldProblem, type Viewer } from '@parley/api/core';
import { CHAT_EVENT_TYPES } from '@parley/api/chat';
import { RefusedAddressError, type AddressGuard } from './address-guard';
import type { DeliveryRow, WebhookRepository, WebhookRow } from './webhook.repository';
import type { WebhookSubscriptions } from './webhook.subscriptions';

const URL_MAX = 2000;
const DELIVERIES_DEFAULT = 20;
const DELIVERIES_MAX = 100;

/** A new signing secret: whsec_ and the base64 of 32 random bytes (the Standard Webhooks form). */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Told when a paused webhook is active again: its waiting deliveries start (the sweep catches any missed). */
export type WebhookResumed = (webhookId: string) => Promise<void>;

/** The rules of webhooks: admins only; where they may point; what they may take. */
export class WebhookService {
  constructor(
    private readonly repository: WebhookRepository,
    private readonly subscriptions: WebhookSubscriptions,
    private readonly guard: AddressGuard,
    private readonly production: boolean,
    private readonly resumed: WebhookResumed = async () => undefined,
  ) {}

  list(viewer: Viewer): Promise<WebhookRow[]> {
    requireAdmin(viewer);
    return this.repository.list();
  }

  async create(viewer: Viewer, url: string, events: string[]): Promise<{ webhook: WebhookRow; secret: string }> {
    requireAdmin(viewer);
    const problems: FieldProblem[] = [];
    const target = await this.checkUrl(url, problems);
    checkEvents(events, problems);
    if (problems.length || !target) throw badUserInput(problems);
    const secret = newWebhookSecret();
    const webhook = await this.repository.create({ url: target, events: [...new Set(events)], secret, createdById: viewer.id });
    await this.subscriptions.changed();
    return { webhook, secret };
  }

  /**
   * Changes the URL (checked as at registration), the events, or pauses
   * (active false: no new deliveries are written, waiting ones hold) and
   * resumes it. What is not given stays.
   */
  async update(viewer: Viewer, id: string, changes: { url?: string | null; events?: string[] | null; active?: boolean | null }): Promise<WebhookRow> {
    requireAdmin(viewer);
    if (!isUuid(id)) throw notFound('webhook');
    const problems: FieldProblem[] = [];
    const target = changes.url == null ? null : await this.checkUrl(changes.url, problems);
    if (changes.events != null) checkEvents(changes.events, problems);
    if (problems.length) throw badUserInput(problems);
    const before = await this.repository.find(id);
    if (!before) throw notFound('webhook');
    const events = changes.events == null ? null : [...new Set(changes.events)];
    const updated = await this.repository.update(id, { url: target, events, active: changes.active ?? null });
    if (!updated) throw notFound('webhook');
    await this.subscriptions.changed();
    if (!before.active && updated.active) await this.resumed(id);
    return updated;
  }

  /** A new signing secret, shown this once; the old one signs nothing from now on. */
  async rotateSecret(viewer: Viewer, id: string): Promise<{ webhook: WebhookRow; secret: string }> {
    requireAdmin(viewer);
    if (!isUuid(id)) throw notFound('webhook');
    const secret = newWebhookSecret();
    const webhook = await this.repository.replaceSecret(id, secret);
    if (!webhook) throw notFound('webhook');
    return { webhook, secret };
  }

  async delete(viewer: Viewer, id: string): Promise<boolean> {
    requireAdmin(viewer);
    if (!isUuid(id) || !(await this.repository.delete(id))) throw notFound('webhook');
    await this.subscriptions.changed();
    return true;
  }

  async deliveries(viewer: Viewer, webhookId: string, first?: number | null): Promise<DeliveryRow[]> {
    requireAdmin(viewer);
    const problems = checkPageSize('first', first, DELIVERIES_MAX);
    if (problems.length) throw badUserInput(problems);
    if (!isUuid(webhookId) || !(await this.repository.find(webhookId))) throw notFound('webhook');
    return this.repository.deliveries(webhookId, first ?? DELIVERIES_DEFAULT);
  }

  /** Each of these webhooks' newest delivery (none: absent), read in one statement. */
  async lastDeliveries(viewer: Viewer, webhookIds: readonly string[]): Promise<Map<string, DeliveryRow>> {
    requireAdmin(viewer);
    return this.repository.lastDeliveries(webhookIds);
  }

  /** The URL as stored, or null with the problem noted: HTTPS (HTTP outside production), no credentials, a public host in production. */
  private async checkUrl(url: string, problems: FieldProblem[]): Promise<string | null> {
    const refuse = (message: string, reason: string) => (problems.push({ field: 'url', message, reason }), null);
    if (url.length > URL_MAX) return refuse(`must be at most ${URL_MAX} characters`, 'tooLong');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse('is not a URL', 'notUrl');
    }
    const allowed = this.production ? ['https:'] : ['https:', 'http:'];
    if (!allowed.includes(parsed.protocol)) return refuse(this.production ? 'must be an https URL' : 'must be an http or https URL', this.production ? 'notHttps' : 'notHttp');
    if (parsed.username || parsed.password) return refuse('must not hold a user name or password', 'credentials');
    if (parsed.hash) return refuse('must not have a #fragment', 'fragment');
    try {
      await this.guard.check(parsed.hostname);
    } catch (error) {
      if (error instanceof RefusedAddressError) return refuse('resolves to a loopback, private or link-local address, which webhooks may not reach', 'privateAddress');
      return refuse('has a host name that does not resolve', 'unresolved');
    }
    return parsed.toString();
  }
}

function checkEvents(events: string[], problems: FieldProblem[]): void {
  const unknown = events.filter((e) => !(CHAT_EVENT_TYPES as readonly string[]).includes(e));
  if (!events.length) problems.push({ field: 'events', message: `must name at least one of ${CHAT_EVENT_TYPES.join(', ')}`, reason: 'none' });
  if (unknown.length) problems.push({ field: 'events', message: `unknown event types: ${unknown.slice(0, 5).join(', ')}; known: ${CHAT_EVENT_TYPES.join(', ')}`, reason: 'unknown' });
}

function requireAdmin(viewer: Viewer): void {
  if (viewer.role !== Role.ADMIN) throw forbidden('Only admins manage webhooks.');
}
