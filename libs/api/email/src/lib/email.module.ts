import Redis from 'ioredis';
import { defineModule } from '@parley/api/core';
import { AUTH_SERVICE, AUTHENTICATOR } from '@parley/api/auth';
import { CHAT_SERVICE } from '@parley/api/chat';
import { JOB_QUEUE } from '@parley/api/jobs';
import { ChatEmailStateEntity } from './chat-email-state.entity';
import { CustomerPresence } from './customer-presence';
import { EmailResolver } from './email.resolver';
import { EmailService } from './email.service';
import { Mailer } from './mailer';
import { transcriptRoute } from './transcript-route';

/** Email over SMTP_URL: password reset, transcripts (by email, and as a download), replies to away customers (README "Email"). */
export const emailModule = defineModule({
  name: 'email',
  entities: [ChatEmailStateEntity],
  resolvers: [EmailResolver],
  topics: [],
  async create({ config, dataSource, limits, logger, services }) {
    const mailer = config.mail ? new Mailer(config.mail.smtpUrl, config.mail.from, logger) : undefined;
    const redis = mailer && config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
    redis?.on('error', (error) => logger.warn({ err: error.message }, 'redis (customer presence)'));
    const presence = new CustomerPresence(redis, config.redisPrefix);
    const email = new EmailService(dataSource, mailer, services.get(JOB_QUEUE), services.get(AUTH_SERVICE), presence, limits, logger, {
      publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    });
    await email.attach();
    if (mailer) {
      services.get(CHAT_SERVICE).hooks.onAgentMessage(async (message) => {
        await email.agentReplied(message).catch((error: Error) => logger.warn({ err: error.message, chatId: message.chatId }, 'away reply not queued'));
      });
    }
    return {
      resolvers: [new EmailResolver(email)],
      sockets: mailer ? presence : undefined,
      // transcripts download whether or not email is configured
      http: (app) => transcriptRoute(app, email, services.get(AUTHENTICATOR), logger),
      async stop() {
        presence.stop();
        mailer?.close();
      },
    };
  },
});
