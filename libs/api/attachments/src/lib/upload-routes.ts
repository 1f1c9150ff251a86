import type { IncomingMessage } from 'node:http';
import type { Application, Request, Response } from 'express';
import busboy from 'busboy';
import { AppError, unauthenticated, type Viewer } from '@parley/api/core';
import type { Authenticator } from '@parley/api/auth';
import { bearerToken } from '@parley/api/auth';
import type { ModuleLogger } from '@parley/api/core';
import type { AttachmentService } from './attachment.service';
import { httpStatusOf, noFile, tooLarge } from './attachment.errors';

/** Room for the multipart framing around the file itself. */
const FRAMING_BYTES = 64 * 1024;

/** Served files run nothing, load nothing and are framed by nobody, whatever they hold. */
const FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

/** Images shown in the page; everything else only ever saved (inline rendering of anything else is how an HTML file named .png attacks). */
const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

/**
 * POST /uploads (multipart/form-data, one part named "file") and the
 * authorized downloads GET /uploads/:id and GET /uploads/:id/thumbnail.
 * Errors are JSON `{ errors: [{ message, extensions: { code, ... } }] }`
 * with the contract's codes, as GraphQL answers them.
 */
export function uploadRoutes(app: Application, service: AttachmentService, authenticator: Authenticator, logger: ModuleLogger): void {
  const viewerOf = async (req: Request): Promise<Viewer> => {
    const viewer = await authenticator.authenticate(bearerToken(req.headers.authorization));
    if (!viewer) throw unauthenticated();
    return viewer;
  };
  const fail = (res: Response, error: unknown) => {
    const known = error instanceof AppError ? error : undefined;
    if (!known) logger.error({ err: (error as Error)?.message }, 'upload route');
    const shown = known ?? new AppError('INTERNAL_SERVER_ERROR', 'Something went wrong; retry shortly.');
    const status = httpStatusOf(shown);
    if (status === 429) res.setHeader('Retry-After', String(shown.extensions['retryAfterSeconds'] ?? 60));
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(status).json({ errors: [{ message: shown.message, extensions: shown.extensions }] });
  };

  app.post('/uploads', async (req, res) => {
    try {
      const viewer = await viewerOf(req);
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > service.maxBytes + FRAMING_BYTES) {
        // Not worth reading: answer at once and close the connection rather than take the rest.
        res.setHeader('Connection', 'close');
        throw tooLarge(service.maxBytes);
      }
      await service.admit(viewer);
      const upload = await readOneFile(req, service.maxBytes);
      const row = await service.store(viewer, upload);
      res.status(201).json({ id: row.id, name: row.name, contentType: row.contentType, size: row.size });
    } catch (error) {
      fail(res, error);
    }
  });

  const download = (thumbnail: boolean) => async (req: Request, res: Response) => {
    try {
      const viewer = await viewerOf(req);
      const { row, data } = await service.open(viewer, String(req.params['id']), thumbnail);
      const contentType = thumbnail ? 'image/webp' : row.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : row.contentType;
      const inline = thumbnail || INLINE_TYPES.has(row.contentType);
      res.setHeader('Content-Type', contentType);
      res.setHeader('Content-Length', String(data.length));
      res.setHeader('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(row.name)}`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', FILE_CSP);
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      // Only for the one who asked (it went past their token), and the same bytes for ever.
      res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
      res.setHeader('Vary', 'Authorization');
      res.end(data);
    } catch (error) {
      fail(res, error);
    }
  };
  app.get('/uploads/:id', download(false));
  app.get('/uploads/:id/thumbnail', download(true));
}

/** Streams the request through busboy into memory, never past `maxBytes` (and one file only). */
function readOneFile(req: IncomingMessage, maxBytes: number): Promise<{ name: string | undefined; data: Buffer }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 0, parts: 4, fieldSize: 1024 } });
    } catch {
      reject(noFile());
      return;
    }
    const chunks: Buffer[] = [];
    let name: string | undefined;
    let seen = false;
    let problem: AppError | undefined;
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || seen) {
        problem ??= noFile();
        stream.resume();
        return;
      }
      seen = true;
      name = info.filename;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      // Busboy stops handing over bytes at the limit and drops the rest as it arrives.
      stream.on('limit', () => {
        problem ??= tooLarge(maxBytes);
        chunks.length = 0;
      });
    });
    for (const limit of ['filesLimit', 'partsLimit', 'fieldsLimit'] as const) parser.on(limit, () => (problem ??= noFile()));
    parser.on('field', () => (problem ??= noFile()));
    parser.on('error', () => reject(noFile()));
    parser.on('close', () => {
      if (problem) reject(problem);
      else if (!seen || !chunks.length) reject(noFile());
      else resolve({ name, data: Buffer.concat(chunks) });
    });
    req.pipe(parser);
  });
}
