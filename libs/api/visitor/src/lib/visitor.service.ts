import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { isStaff, Role, scopedValue, unauthenticated, type RateLimits, type RequestContext, type Viewer } from '@parley/api/core';
import { User, userCacheOf, type AuthPayload, type AuthService, type SessionService, type TokenService } from '@parley/api/auth';
import { verifyIdentity } from './identity';
import { VisitorRepository, type VisitorFacts } from './visitor.repository';
import { isSignedToken, pendingClaim, pendingFromPayload, VISITOR_REFRESH_TTL_SECONDS, VisitorTokens, type PendingVisitor } from './visitor-tokens';
import type { IdentifyVisitorInput, VisitorSessionInput } from './visitor.inputs';

const DEFAULT_NAME = 'Visitor';
const NOT_IDENTIFIED = 'This visitor could not be identified.';

export interface VisitorDeps {
  dataSource: DataSource;
  auth: AuthService;
  tokens: TokenService;
  sessions: SessionService;
  limits: RateLimits;
  jwtSecret: Uint8Array;
  identitySecret?: Uint8Array;
  /** Tells chatUpdated's subscribers of chats identifyVisitor moved (the chat domain, made after this one: looked up when needed). */
  chatsChanged?: (chatIds: readonly string[]) => Promise<void>;
}

/**
 * Website visitors. An anonymous visitor exists only in their tokens until
 * they first write (startChat stores them), so visitors who never write leave
 * nothing behind (files they uploaded expire unsent within a day, as anyone's;
 * an upload stores no one). identifyVisitor signs in the host's own users, one customer
 * per externalId, and takes an anonymous visitor's chats and files along.
 */
export class VisitorService {
  private readonly repository: VisitorRepository;
  private readonly visitorTokens: VisitorTokens;
  /** Pending visitors by the viewer their access token verified to (tokens and their viewers are cached by the auth domain). */
  private readonly pendingByViewer = new WeakMap<Viewer, PendingVisitor | null>();
  /** What this domain knows of users built in memory (sign-in results, pending visitors). */
  private readonly knownFacts = new WeakMap<User, VisitorFacts>();
  /** Pending visitors already stored by this instance: their later chats skip the insert. */
  private readonly stored = new Set<string>();

  constructor(private readonly deps: VisitorDeps) {
    this.repository = new VisitorRepository(deps.dataSource);
    this.visitorTokens = new VisitorTokens(deps.jwtSecret);
  }

  async startSession(input: VisitorSessionInput | null | undefined, ip = 'unknown', viewer: Viewer | null = null): Promise<AuthPayload> {
    await this.deps.limits.consume('visitorSessionPerIp', ip);
    // A visitor who has not written yet asks again (the widget started them for a file, then they filled in the
    // pre-chat fields): the same visitor and session, with the details given now, so their uploads stay theirs.
    const pending = viewer ? this.pendingByViewer.get(viewer) : null;
    const again = pending && !this.stored.has(pending.id) && !(await this.repository.findUser(pending.id)) ? pending : null;
    const visitor: PendingVisitor = {
      id: again?.id ?? randomUUID(),
      sessionId: again?.sessionId ?? randomUUID(),
      displayName: input?.displayName?.trim() || DEFAULT_NAME,
      email: input?.email?.trim() || null,
    };
    if (!again) this.deps.sessions.begun(visitor.id, visitor.sessionId);
    return this.signInPending(visitor);
  }

  async identify(input: IdentifyVisitorInput, ctx: RequestContext): Promise<AuthPayload> {
    await this.deps.limits.consume('loginPerIp', ctx.ip ?? 'unknown');
    if (!verifyIdentity(this.deps.identitySecret, input.externalId, input.userHash)) throw unauthenticated(NOT_IDENTIFIED);
    const viewer = ctx.viewer;
    // Only an anonymous visitor's chats move; a signed-in account stays what it is.
    const anonymous = viewer && viewer.role === Role.CUSTOMER && (this.pendingByViewer.get(viewer) || (await this.isStoredAnonymous(viewer.id))) ? viewer : null;
    const { user: row, movedChatIds } = await this.repository.identify(
      input.externalId,
      input.displayName?.trim() || null,
      input.email?.trim() || null,
      anonymous ? { id: anonymous.id, sessionId: anonymous.sessionId, sessionExpiresAt: sessionExpiry() } : null,
    );
    // The anonymous session ends: its sockets close, its tokens stop working.
    if (anonymous?.sessionId) await this.deps.sessions.revoke(anonymous.id, anonymous.sessionId);
    this.stored.delete(anonymous?.id ?? '');
    // Their name or email may have changed: every instance forgets what it kept of them.
    await userCacheOf(this.deps.dataSource).changed(row.id);
    // Agents' inboxes (and the customer's other devices) show the moved chats under their customer now.
    await this.deps.chatsChanged?.(movedChatIds);
    const user = User.from(row);
    const session = await this.deps.sessions.issue(user.id);
    const { token, expiresAt } = this.deps.tokens.issueAccessToken(user, session.sessionId);
    this.knownFacts.set(user, { anonymous: false, externalId: input.externalId });
    return { token, expiresAt, refreshToken: session.refreshToken, refreshExpiresAt: session.refreshExpiresAt, user: Object.assign(user, { isSignInResult: true }) };
  }

  /**
   * refreshToken for every kind of session: signed visitor tokens here,
   * stored ones by the auth domain.
   */
  async refresh(refreshToken: string): Promise<AuthPayload> {
    if (!isSignedToken(refreshToken)) return this.deps.auth.refresh(refreshToken);
    const verified = this.visitorTokens.verify(refreshToken);
    if (!verified || this.deps.sessions.isRevoked(verified.visitor.sessionId)) throw unauthenticated('This session has ended; start again.');
    const { visitor, expiresAt } = verified;
    // Asked first: an identified visitor's user is gone, their session kept on record as ended.
    if (await this.repository.sessionRevoked(visitor.sessionId)) throw unauthenticated('This session has ended; sign in again.');
    const row = await this.repository.findUser(visitor.id);
    if (!row) return this.signInPending(visitor);
    // Stored since: this token works once, then the session continues with stored refresh tokens.
    if (!(await this.repository.spendSignedRefreshToken(row.id, visitor.sessionId, refreshToken, expiresAt))) {
      await this.deps.sessions.revoke(row.id, visitor.sessionId);
      throw unauthenticated('This session has ended; sign in again.');
    }
    const user = User.from(row);
    const next = await this.deps.sessions.issue(user.id, visitor.sessionId);
    const { token, expiresAt: accessExpiresAt } = this.deps.tokens.issueAccessToken(user, visitor.sessionId);
    return { token, expiresAt: accessExpiresAt, refreshToken: next.refreshToken, refreshExpiresAt: next.refreshExpiresAt, user: Object.assign(user, { isSignInResult: true }) };
  }

  /** The auth domain's hook on every accepted token: recognises the access tokens of pending visitors. */
  async noteViewer(viewer: Viewer, token: string): Promise<void> {
    if (viewer.role !== Role.CUSTOMER || this.pendingByViewer.has(viewer)) return;
    this.pendingByViewer.set(
      viewer,
      viewer.unstored && viewer.sessionId ? pendingFromPayload(this.visitorTokens.claims(token), viewer.id, viewer.sessionId) : null,
    );
  }

  /** Stores the viewer and their session if they are a visitor not stored yet: called before their first chat. */
  async storeIfPending(viewer: Viewer | null): Promise<void> {
    const pending = viewer ? this.pendingByViewer.get(viewer) : null;
    if (!pending || this.stored.has(pending.id)) return;
    await this.repository.storeVisitor(pending, sessionExpiry());
    this.deps.sessions.stored(pending.sessionId);
    if (this.stored.size >= 50_000) this.stored.clear();
    this.stored.add(pending.id);
  }

  /** `me` of a visitor not stored yet: the user their token describes. */
  pendingUser(viewer: Viewer | null): User | null {
    const pending = viewer ? this.pendingByViewer.get(viewer) : null;
    return pending ? this.userOf(pending) : null;
  }

  async facts(user: User, ctx: RequestContext): Promise<VisitorFacts> {
    const known = this.knownFacts.get(user);
    if (known) return known;
    return (await factsLoader(ctx, this.repository).load(user.id)) ?? { anonymous: Boolean(this.pendingUser(ctx.viewer)), externalId: null };
  }

  /** externalId is for the person themself, agents and admins. */
  mayReadExternalId(user: User, ctx: RequestContext): boolean {
    return Boolean(user.isSignInResult || (ctx.viewer && (ctx.viewer.id === user.id || isStaff(ctx.viewer.role))));
  }

  widgetSettings(): Promise<{ askName: boolean; askEmail: boolean }> {
    return this.repository.widgetSettings();
  }

  updateWidgetSettings(input: { askName?: boolean | null; askEmail?: boolean | null }): Promise<{ askName: boolean; askEmail: boolean }> {
    return this.repository.updateWidgetSettings(input.askName ?? null, input.askEmail ?? null);
  }

  private async signInPending(visitor: PendingVisitor): Promise<AuthPayload> {
    const { token, expiresAt } = this.deps.tokens.issueAccessToken({ id: visitor.id, role: Role.CUSTOMER, unstored: true }, visitor.sessionId, pendingClaim(visitor));
    const refresh = this.visitorTokens.sign(visitor);
    return { token, expiresAt, refreshToken: refresh.token, refreshExpiresAt: refresh.expiresAt, user: Object.assign(this.userOf(visitor), { isSignInResult: true }) };
  }

  private userOf(visitor: PendingVisitor): User {
    const user = User.from({ id: visitor.id, displayName: visitor.displayName, role: Role.CUSTOMER, createdAt: new Date(), email: visitor.email });
    this.knownFacts.set(user, { anonymous: true, externalId: null });
    return user;
  }

  private async isStoredAnonymous(id: string): Promise<boolean> {
    return (await this.repository.facts([id])).get(id)?.anonymous ?? false;
  }
}

/** How long a stored visitor session is kept: as long as its signed refresh token could still be used. */
const sessionExpiry = () => new Date(Date.now() + VISITOR_REFRESH_TTL_SECONDS * 1000);

const FACTS_LOADER = Symbol('visitorFactsLoader');

/** One query for the visitor facts of every user a request resolves. */
function factsLoader(ctx: RequestContext, repository: VisitorRepository) {
  return scopedValue(ctx, FACTS_LOADER, () => new DataLoader<string, VisitorFacts | null>(async (ids) => {
    const facts = await repository.facts(ids);
    return ids.map((id) => facts.get(id) ?? null);
  }));
}
