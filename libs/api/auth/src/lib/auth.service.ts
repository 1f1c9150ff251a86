import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppError, conflict, Role, unauthenticated, type RateLimits, type RequestContext, type Viewer } from '@parley/api/core';
import { pgErrorCode, PG_UNIQUE_VIOLATION } from '@parley/api/database';
import { UserEntity } from './user.entity';
import { User } from './user.type';
import { userLoader } from './user.loader';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password';
import type { TokenService } from './token.service';
import type { IssuedRefreshToken, SessionService } from './session.service';
import type { AuthPayload } from './auth.types';
import type { LoginInput, RegisterInput } from './auth.inputs';

const normaliseEmail = (email: string) => email.trim().toLowerCase();
const WRONG_CREDENTIALS = 'Wrong email or password.';

/** Accounts and sign-in: who people are, never what they may do in a chat. */
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly limits: RateLimits,
    private readonly sessions: SessionService,
  ) {}

  /** Renews a session: a new access token and the next refresh token; the one given is spent. */
  async refresh(refreshToken: string): Promise<AuthPayload> {
    const { userId, next } = await this.sessions.rotate(refreshToken);
    const entity = await this.users().findOneBy({ id: userId });
    if (!entity) throw unauthenticated('This session has ended; sign in again.');
    return this.signIn(User.from(entity), next);
  }

  /** Ends the viewer's session everywhere: refresh tokens revoked, access tokens refused, sockets closed. */
  async logout(viewer: Viewer): Promise<boolean> {
    if (viewer.sessionId) await this.sessions.revoke(viewer.id, viewer.sessionId);
    return true;
  }

  /** The viewer an access token names, if it verifies and its session still stands. */
  async authenticate(token: string | null): Promise<Viewer | null> {
    const viewer = await this.tokens.verifyAccessToken(token);
    if (!viewer || !(await this.sessions.isActive(viewer))) return null;
    return viewer;
  }

  async register(input: RegisterInput, ip = 'unknown'): Promise<AuthPayload> {
    await this.limits.consume('registerPerIp', ip);
    const user = await this.createUser(input, Role.CUSTOMER);
    return this.signIn(user);
  }

  async login(input: LoginInput, ip = 'unknown'): Promise<AuthPayload> {
    const emailLower = normaliseEmail(input.email);
    const accountFromIp = `${emailLower}|${ip}`;
    await this.limits.consume('loginPerIp', ip);
    await this.limits.check('loginFailuresPerAccountAndIp', accountFromIp);
    await this.limits.check('loginFailuresPerAccount', emailLower);
    const entity = await this.users().findOneBy({ emailLower });
    const valid = entity?.passwordHash ? await verifyPassword(entity.passwordHash, input.password) : await burnPasswordCheck(input.password);
    if (!entity || !valid) {
      // Count the failure; the next attempt over the limit is refused before any hashing.
      await this.limits.consume('loginFailuresPerAccountAndIp', accountFromIp).catch(() => undefined);
      await this.limits.consume('loginFailuresPerAccount', emailLower).catch(() => undefined);
      throw unauthenticated(WRONG_CREDENTIALS);
    }
    await this.limits.reset('loginFailuresPerAccountAndIp', accountFromIp);
    return this.signIn(User.from(entity));
  }

  createAgent(input: RegisterInput): Promise<User> {
    return this.createUser(input, Role.AGENT);
  }

  async me(ctx: RequestContext): Promise<User | null> {
    return ctx.viewer ? userLoader(ctx, this.dataSource).load(ctx.viewer.id) : null;
  }

  /** Creates the configured ADMIN when no account has that email; never changes an existing account. */
  async ensureAdmin(email: string, password: string): Promise<'created' | 'exists'> {
    if (await this.users().existsBy({ emailLower: normaliseEmail(email) })) return 'exists';
    try {
      await this.createUser({ email, password, displayName: 'Admin' }, Role.ADMIN);
      return 'created';
    } catch (error) {
      // Another instance created it at the same moment.
      if (error instanceof AppError && error.code === 'CONFLICT') return 'exists';
      throw error;
    }
  }

  private async signIn(user: User, session?: IssuedRefreshToken): Promise<AuthPayload> {
    const { refreshToken, sessionId, refreshExpiresAt } = session ?? (await this.sessions.issue(user.id));
    const { token, expiresAt } = await this.tokens.issueAccessToken(user, sessionId);
    return { token, expiresAt, refreshToken, refreshExpiresAt, user: Object.assign(user, { isSignInResult: true }) };
  }

  private async createUser(input: RegisterInput, role: Role): Promise<User> {
    const emailLower = normaliseEmail(input.email);
    // Cheap check first, so a taken email costs no hashing; the unique index still decides races.
    if (await this.users().existsBy({ emailLower })) throw emailTaken();
    const entity = this.users().create({
      id: randomUUID(),
      email: input.email.trim(),
      emailLower,
      displayName: input.displayName.trim(),
      role,
      passwordHash: await hashPassword(input.password),
    });
    try {
      await this.users().insert(entity);
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) throw emailTaken();
      throw error;
    }
    const saved = await this.users().findOneByOrFail({ id: entity.id });
    return User.from(saved);
  }

  private users() {
    return this.dataSource.getRepository(UserEntity);
  }
}

const emailTaken = () => conflict('This email is already registered.');
