import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  AppError,
  badUserInput,
  codePointLength,
  conflict,
  Role,
  unauthenticated,
  type FieldProblem,
  type RateLimits,
  type RequestContext,
  type Viewer,
} from '@parley/api/core';
import { LIMITS } from '@parley/shared/limits';
import { cleanDisplayName, passwordProblem } from '@parley/api/config';
import { pgErrorCode, PG_UNIQUE_VIOLATION } from '@parley/api/database';
import { UserEntity } from './user.entity';
import { User } from './user.type';
import { userLoader } from './user.loader';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password';
import { LoginThrottle } from './login-throttle';
import { PasswordResets } from './password-resets';
import type { UserAccess } from './user-access';
import type { TokenService } from './token.service';
import type { IssuedRefreshToken, SessionService } from './session.service';
import type { AuthPayload } from './auth.types';
import type { LoginInput, RegisterInput } from './auth.inputs';

const normaliseEmail = (email: string) => email.trim().toLowerCase();
const WRONG_CREDENTIALS = 'Wrong email or password.';
const ENDED = 'This session has ended; sign in again.';

/** Told of every viewer authentication accepts, with the token that named them. */
export type AuthenticatedHook = (viewer: Viewer, token: string) => Promise<void> | void;

/** Accounts and sign-in: who people are, never what they may do in a chat. */
export class AuthService {
  private readonly throttle: LoginThrottle;
  /** Reset links' tokens (the email domain sends them). */
  readonly resets: PasswordResets;
  private readonly authenticatedHooks: AuthenticatedHook[] = [];
  private recheckTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly limits: RateLimits,
    private readonly sessions: SessionService,
    private readonly access: UserAccess,
  ) {
    this.throttle = new LoginThrottle(limits);
    this.resets = new PasswordResets(dataSource);
  }

  /**
   * Re-reads, every `seconds`, the users and sessions this instance has let in,
   * so access taken away elsewhere applies here even if its pubsub message was
   * lost. An in-process timer on purpose: it refreshes this process's cache,
   * and a restart starts with an empty one.
   */
  startRechecking(seconds: number, onError: (error: Error) => void): void {
    const tick = () => {
      Promise.all([this.access.recheck(), this.sessions.recheck()])
        .catch(onError)
        .finally(() => {
          if (this.recheckTimer) this.recheckTimer = setTimeout(tick, seconds * 1000).unref();
        });
    };
    this.recheckTimer = setTimeout(tick, seconds * 1000).unref();
  }

  stop(): void {
    clearTimeout(this.recheckTimer);
    this.recheckTimer = undefined;
    this.access.stop();
    this.sessions.stop();
  }

  /** Renews a session: a new access token and the next refresh token; the one given is spent. */
  async refresh(refreshToken: string): Promise<AuthPayload> {
    const { userId, next } = await this.sessions.rotate(refreshToken);
    const entity = await this.users().findOneBy({ id: userId });
    if (!entity?.active) throw unauthenticated(ENDED);
    return this.signIn(entity, next);
  }

  /** Ends the viewer's session everywhere: refresh tokens revoked, access tokens refused, sockets closed. */
  async logout(viewer: Viewer): Promise<boolean> {
    if (viewer.sessionId) await this.sessions.revoke(viewer.id, viewer.sessionId);
    return true;
  }

  /**
   * Takes a user's access away at once, on every instance: every access token
   * and session ends and their sockets close (4403). For whatever removes or
   * changes access: deactivation, a role change. `active` also sets the flag.
   */
  revokeAccess(userId: string, change: { active?: boolean } = {}): Promise<void> {
    return this.access.revoke(userId, change);
  }

  /**
   * The viewer an access token names, if it verifies, its session stands and
   * its user still may. A visitor not stored yet (Viewer.unstored) has no
   * user or session to ask about: their token is all there is until their
   * first chat stores both.
   */
  async authenticate(token: string | null): Promise<Viewer | null> {
    const viewer = await this.tokens.verifyAccessToken(token);
    if (!viewer || !token) return null;
    const standing = await this.sessions.standing(viewer);
    if (standing === 'ended' || (standing === 'stored' && !(await this.access.allows(viewer)))) return null;
    for (const hook of this.authenticatedHooks) await hook(viewer, token);
    return viewer;
  }

  /**
   * Lets a later domain learn what it needs of each viewer as their token is
   * accepted, over HTTP and WebSocket alike (the visitor domain: the name and
   * email a visitor not stored yet carries in their token).
   */
  onAuthenticated(hook: AuthenticatedHook): void {
    this.authenticatedHooks.push(hook);
  }

  /** Whether an already authenticated viewer still may, from what this instance knows (open sockets). */
  stillAllowed(viewer: Viewer): boolean {
    return !this.sessions.isRevoked(viewer.sessionId) && this.access.allowsNow(viewer);
  }

  /** Users whose access may have changed (a session ended, access revoked); returns the way to stop. */
  onAccessChange(listener: (userId: string) => void): () => void {
    const stops = [this.sessions.onChange(listener), this.access.onChange(listener)];
    return () => stops.forEach((stop) => stop());
  }

  /**
   * Creates a customer. The answer takes the same steps whether or not the
   * email is taken (input checked first, then a full hash), so neither its
   * content before CONFLICT nor its time tells (docs/decisions/sign-up-answers.md).
   */
  async register(input: RegisterInput, ip = 'unknown'): Promise<AuthPayload> {
    await this.limits.consume('registerPerIp', ip);
    const user = await this.createUser(input, Role.CUSTOMER);
    return this.signIn(user);
  }

  async login(input: LoginInput, ip = 'unknown'): Promise<AuthPayload> {
    const emailLower = normaliseEmail(input.email);
    await this.throttle.before(emailLower, ip);
    const entity = await this.users().findOneBy({ emailLower });
    const valid = entity?.passwordHash ? await verifyPassword(entity.passwordHash, input.password) : await burnPasswordCheck(input.password);
    if (!entity || !valid) {
      await this.throttle.failed(emailLower, ip);
      throw unauthenticated(WRONG_CREDENTIALS);
    }
    await this.throttle.succeeded(emailLower, ip);
    if (!entity.active) throw unauthenticated('This account has been deactivated.');
    return this.signIn(entity);
  }

  /**
   * Sets a new password with a reset link's token: the token is checked, then
   * the password (the policy applies; a refused one leaves the link usable),
   * then in one transaction the link (and every other of the account) is
   * spent, the password set and every session and token of the account ended.
   * Answers with a new session.
   */
  async resetPassword(token: string, password: string): Promise<AuthPayload> {
    const account = await this.resets.peek(token);
    if (!account) throw invalidResetLink();
    const problem = passwordProblem(password, [account.email, account.displayName]);
    if (problem) throw badUserInput([{ field: 'password', message: problem }]);
    const passwordHash = await hashPassword(password);
    await this.access.revoke(account.id, {}, async (manager) => {
      // Spent by a racing request meanwhile: nothing is written.
      if (!(await this.resets.spend(manager, token, account.id))) throw invalidResetLink();
      await manager.query(`UPDATE users SET "passwordHash" = $2 WHERE id = $1`, [account.id, passwordHash]);
    });
    return this.signIn(await this.users().findOneByOrFail({ id: account.id }));
  }

  async createAgent(input: RegisterInput): Promise<User> {
    return User.from(await this.createUser(input, Role.AGENT));
  }

  async me(ctx: RequestContext): Promise<User | null> {
    return ctx.viewer ? userLoader(ctx, this.dataSource).load(ctx.viewer.id) : null;
  }

  /** Creates the configured ADMIN when no account has that email; never changes an existing account. */
  async ensureAdmin(email: string, password: string): Promise<'created' | 'exists'> {
    if (await this.users().existsBy({ emailLower: normaliseEmail(email) })) return 'exists';
    try {
      // ADMIN_PASSWORD met the password policy when the configuration was read (loadConfig).
      await this.createUser({ email, password, displayName: 'Admin' }, Role.ADMIN, false);
      return 'created';
    } catch (error) {
      // Another instance created it at the same moment.
      if (error instanceof AppError && error.code === 'CONFLICT') return 'exists';
      throw error;
    }
  }

  private async signIn(entity: UserEntity, session?: IssuedRefreshToken): Promise<AuthPayload> {
    const { refreshToken, sessionId, refreshExpiresAt } = session ?? (await this.sessions.issue(entity.id));
    const { token, expiresAt } = this.tokens.issueAccessToken(entity, sessionId);
    const user = Object.assign(User.from(entity), { isSignInResult: true });
    return { token, expiresAt, refreshToken, refreshExpiresAt, user };
  }

  private async createUser(input: RegisterInput, role: Role, judgePassword = true): Promise<UserEntity> {
    const emailLower = normaliseEmail(input.email);
    const displayName = checkNewAccount(input, judgePassword);
    // Hashed before the email is looked up, so a taken email costs what a new one does.
    const passwordHash = await hashPassword(input.password);
    if (await this.users().existsBy({ emailLower })) throw emailTaken();
    const entity = this.users().create({ id: randomUUID(), email: input.email.trim(), emailLower, displayName, role, passwordHash });
    try {
      await this.users().insert(entity);
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) throw emailTaken();
      throw error;
    }
    return this.users().findOneByOrFail({ id: entity.id });
  }

  private users() {
    return this.dataSource.getRepository(UserEntity);
  }
}

/** The display name to store, or BAD_USER_INPUT naming each field that may not be used. */
function checkNewAccount(input: RegisterInput, judgePassword: boolean): string {
  const problems: FieldProblem[] = [];
  const displayName = cleanDisplayName(input.displayName);
  const length = codePointLength(displayName);
  if (length < LIMITS.displayNameMin || length > LIMITS.displayNameMax) {
    problems.push({ field: 'displayName', message: `must be ${LIMITS.displayNameMin} to ${LIMITS.displayNameMax} characters after trimming` });
  }
  const password = judgePassword ? passwordProblem(input.password, [input.email, displayName]) : null;
  if (password) problems.push({ field: 'password', message: password });
  if (problems.length) throw badUserInput(problems);
  return displayName;
}

const invalidResetLink = () => badUserInput([{ field: 'token', message: 'this link cannot be used: it was used already, it expired, or it never existed' }]);

const emailTaken = () => conflict('This email is already registered.');
