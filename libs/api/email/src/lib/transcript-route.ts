import type { Application } from 'express';
import { AppError, unauthenticated, type ModuleLogger } from '@parley/api/core';
import { bearerToken, type Authenticator } from '@parley/api/auth';
import type { EmailService } from './email.service';

const STATUS: Partial<Record<string, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, RATE_LIMITED: 429, BAD_USER_INPUT: 400 };

/**
 * GET /transcripts/:chatId with the bearer token: the chat's transcript as a
 * text file (a download, never rendered). Errors are JSON with the contract's
 * codes, as GraphQL answers them.
 */
export function transcriptRoute(app: Application, email: EmailService, authenticator: Authenticator, logger: ModuleLogger): void {
  app.get('/transcripts/:chatId', async (req, res) => {
    try {
      const viewer = await authenticator.authenticate(bearerToken(req.headers.authorization));
      if (!viewer) throw unauthenticated();
      const { fileName, text } = await email.transcriptDownload(viewer, String(req.params['chatId']));
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Cache-Control', 'private, no-store');
      res.send(text);
    } catch (error) {
      const known = error instanceof AppError ? error : undefined;
      if (!known) logger.error({ err: (error as Error)?.message }, 'transcript route');
      const shown = known ?? new AppError('INTERNAL_SERVER_ERROR', 'Something went wrong; retry shortly.');
      const status = STATUS[shown.code] ?? 500;
      if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      res.status(status).json({ errors: [{ message: shown.message, extensions: shown.extensions }] });
    }
  });
}
