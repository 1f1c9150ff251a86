import { defineModule, ServiceKey, type PubSub } from '@parley/api/core';
import { AuthResolver } from './auth.resolver';
import { AuthService } from './auth.service';
import { RefreshTokenEntity } from './session.entity';
import { SessionService, type AuthTopics } from './session.service';
import { TokenService } from './token.service';
import { UserAccess } from './user-access';
import { userCacheOf } from './user-cache';
import { UserEntity } from './user.entity';
import { UserResolver } from './user.resolver';
import { PasswordResetTokenEntity } from './password-reset.entity';

/** Who is asking (HTTP and sockets alike) and the admin account; the server reads it to authenticate. */
export const AUTH_SERVICE = new ServiceKey<AuthService>('auth service');

/** Tokens and sessions, for domains that sign people in their own way (visitors). */
export const TOKEN_SERVICE = new ServiceKey<TokenService>('token service');
export const SESSION_SERVICE = new ServiceKey<SessionService>('session service');
/** Who a bearer token names, and whether they still may (open sockets close when not). */
export type Authenticator = Pick<AuthService, 'authenticate' | 'stillAllowed' | 'onAccessChange'>;
/** Turns a bearer token into a viewer, over HTTP and WebSocket; a later module learns of each through AuthService.onAuthenticated. */
export const AUTHENTICATOR = new ServiceKey<Authenticator>('authenticator');

const TOPICS: readonly (keyof AuthTopics & string)[] = ['sessionRevoked', 'accessRevoked', 'userChanged'];

/** Accounts, sign-in sessions and tokens. */
export const authModule = defineModule({
  name: 'auth',
  entities: [UserEntity, RefreshTokenEntity, PasswordResetTokenEntity],
  resolvers: [AuthResolver, UserResolver],
  topics: TOPICS,
  create({ config, dataSource, pubsub, limits, logger, services }) {
    const tokens = new TokenService(config.jwtSecret, config.accessTokenTtlSeconds);
    // Revocations are remembered somewhat longer than any access token lives.
    const forgetAfterMs = Math.max(3600, config.accessTokenTtlSeconds + 60) * 1000;
    const sessions = new SessionService(dataSource, pubsub as PubSub<AuthTopics>, forgetAfterMs);
    const access = new UserAccess(dataSource, pubsub as PubSub<AuthTopics>, forgetAfterMs);
    const auth = new AuthService(dataSource, tokens, limits, sessions, access);
    services.provide(AUTH_SERVICE, auth);
    services.provide(TOKEN_SERVICE, tokens);
    services.provide(SESSION_SERVICE, sessions);
    services.provide(AUTHENTICATOR, auth);
    const users = userCacheOf(dataSource);
    users.listen(pubsub as PubSub<AuthTopics>);
    // This instance forgets a user whose access it took away before its own event comes back.
    const stopHearing = access.onChange((userId) => users.forget(userId));
    return {
      resolvers: [new AuthResolver(auth), new UserResolver()],
      async start() {
        auth.startRechecking(config.accessRecheckSeconds ?? 5, (error) => logger.warn({ err: error.message }, 'access recheck'));
        if (!config.adminEmail || !config.adminPassword) return;
        const outcome = await auth.ensureAdmin(config.adminEmail, config.adminPassword);
        if (outcome === 'created') logger.info({ email: config.adminEmail }, 'admin account created');
      },
      async stop() {
        auth.stop();
        stopHearing();
        users.close();
      },
    };
  },
});
