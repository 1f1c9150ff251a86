import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppError, conflict, Role, unauthenticated, type RequestContext, type Viewer } from '@parley/api/core';
import { pgErrorCode, PG_UNIQUE_VIOLATION } from '@parley/api/database';
import { UserEntity } from './user.entity';
import { User } from './user.type';
import { userLoader } from './user.loader';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password';
import type { TokenService } from './token.service';
import type { AuthPayload } from './auth.types';
import type { LoginInput, RegisterInput } from './auth.inputs';

const normaliseEmail = (email: string) => email.trim().toLowerCase();
const WRONG_CREDENTIALS = 'Wrong email or password.';

/** Accounts and sign-in: who people are, never what they may do in a chat. */
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
  ) {}

  async register(input: RegisterInput): Promise<AuthPayload> {
    const user = await this.createUser(input, Role.CUSTOMER);
    return this.signIn(user);
  }

  async login(input: LoginInput): Promise<AuthPayload> {
    const entity = await this.users().findOneBy({ emailLower: normaliseEmail(input.email) });
    if (!entity) {
      await burnPasswordCheck(input.password);
      throw unauthenticated(WRONG_CREDENTIALS);
    }
    if (!(await verifyPassword(entity.passwordHash, input.password))) throw unauthenticated(WRONG_CREDENTIALS);
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

  async viewerFromToken(token: string | null): Promise<Viewer | null> {
    return this.tokens.verifyAccessToken(token);
  }

  private async signIn(user: User): Promise<AuthPayload> {
    const { token, expiresAt } = await this.tokens.issueAccessToken(user);
    return { token, expiresAt, user: Object.assign(user, { isSignInResult: true }) };
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
