import { defineModule, ServiceKey, type PubSub } from '@parley/api/core';
import { AuthResolver } from './auth.resolver';
import { AuthService } from './auth.service';
import { RefreshTokenEntity } from './session.entity';
import { SessionService, type AuthTopics } from './session.service';
import { TokenService } from './token.service';
import { UserEntity } from './user.entity';
import { UserResolver } from './user.resolver';

/** Who is asking (HTTP and sockets alike) and the admin account; the server reads it to authenticate. */
export const AUTH_SERVICE = new ServiceKey<AuthService>('auth service');

/** Tokens and sessions, for domains that sign people in their own way (visitors). */
export const TOKEN_SERVICE = new ServiceKey<TokenService>('token service');
export const SESSION_SERVICE = new ServiceKey<SessionService>('session service');
/** Turns a bearer token into a viewer, over HTTP and WebSocket; a later module may extend it (services.replace). */
export const AUTHENTICATOR = new ServiceKey<Pick<AuthService, 'authenticate'>>('authenticator');

const TOPICS: readonly (keyof AuthTopics & string)[] = ['sessionRevoked'];

/** Accounts, sign-in sessions and tokens. */
export const authModule = defineModule({
  name: 'auth',
  entities: [UserEntity, RefreshTokenEntity],
  resolvers: [AuthResolver, UserResolver],
  topics: TOPICS,
  create({ config, dataSource, pubsub, limits, logger, services }) {
    const tokens = new TokenService(config.jwtSecret, config.accessTokenTtlSeconds);
    const sessions = new SessionService(dataSource, pubsub as PubSub<AuthTopics>);
    const auth = new AuthService(dataSource, tokens, limits, sessions);
    services.provide(AUTH_SERVICE, auth);
    services.provide(TOKEN_SERVICE, tokens);
    services.provide(SESSION_SERVICE, sessions);
    services.provide(AUTHENTICATOR, auth);
    return {
      resolvers: [new AuthResolver(auth), new UserResolver()],
      async start() {
        if (!config.adminEmail || !config.adminPassword) return;
        const outcome = await auth.ensureAdmin(config.adminEmail, config.adminPassword);
        if (outcome === 'created') logger.info({ email: config.adminEmail }, 'admin account created');
      },
    };
  },
});
