import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { HeaderMap, type ApolloServer, type ApolloServerPlugin, type HTTPGraphQLRequest } from '@apollo/server';
import type { RequestContext } from '@parley/api/core';

/** A Connect-style middleware (helmet, cors): works on plain Node requests. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface GraphqlPostOptions {
  apollo: ApolloServer<RequestContext>;
  /** Run in order before the request is read: security headers, CORS. */
  middlewares: NodeMiddleware[];
  context: (req: IncomingMessage, requestId: string) => Promise<RequestContext>;
  maxBodyBytes: number;
}

/**
 * `POST /graphql` on plain Node, through Apollo's integration API
 * (`executeHTTPGraphQLRequest`, what @as-integrations/express5 wraps). Every
 * mutation and query takes this path; under load Express's router,
 * body-parser and ETag hashing cost as much CPU as GraphQL itself, so this
 * one route skips them. Everything else (GET queries, preflight, the explorer,
 * the web app) stays on Express.
 */
export function graphqlPostHandler(options: GraphqlPostOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { apollo, middlewares, context, maxBodyBytes } = options;
  apollo.assertStarted('graphqlPostHandler()');

  const respond = (req: IncomingMessage, res: ServerResponse, requestId: string) => {
    readJsonBody(req, maxBodyBytes).then(
      async (body) => {
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        }
        const url = req.url ?? '';
        const query = url.indexOf('?');
        const request: HTTPGraphQLRequest = { method: 'POST', headers, search: query < 0 ? '' : url.slice(query), body };
        const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: request, context: () => context(req, requestId) });
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind === 'complete') {
          // Encoded once, with its length: given the string, Node measures it, joins it to the headers and
          // copies that again on the way out, all on the heap (a page of messages is about 20 KB).
          const body = Buffer.from(response.body.string, 'utf8');
          res.setHeader('content-length', body.length);
          res.end(body);
          return;
        }
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      },
      (error: BodyError) => {
        // Drain what is left so the client reads the answer instead of a reset.
        req.resume();
        sendError(res, error.status, error.message);
      },
    ).catch(() => {
      // executeHTTPGraphQLRequest answers GraphQL errors itself; only a failure in writing lands here.
      if (!res.headersSent) sendError(res, 500, 'Internal server error');
      else res.destroy();
    });
  };

  return (req, res) => {
    const requestId = assignRequestId(req, res);
    let index = 0;
    const next = (error?: unknown) => {
      if (error) return sendError(res, 500, 'Internal server error');
      const middleware = middlewares[index++];
      if (middleware) middleware(req, res, next);
      else respond(req, res, requestId);
    };
    next();
  };
}

/** The client's X-Request-Id when it is a plain token, else a new one; echoed on the response. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const header = req.headers['x-request-id'];
  const requestId = typeof header === 'string' && /^[\w-]{1,64}$/.test(header) ? header : randomUUID();
  res.setHeader('x-request-id', requestId);
  return requestId;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The parsed JSON body, or undefined when the request does not say it is JSON
 * (Apollo then answers 400, or its CSRF check does). Over the limit is 413
 * before a byte more is read than the limit.
 */
function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  const isJson = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) return Promise.reject(new BodyError(413, `Request body too large (at most ${limit} bytes).`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyError(413, `Request body too large (at most ${limit} bytes).`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      failed = true;
      reject(new BodyError(400, 'Request body could not be read'));
    });
    req.on('end', () => {
      if (failed) return;
      if (!isJson) return resolve(undefined);
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new BodyError(400, 'Request body is not valid JSON'));
      }
    });
  });
}

/** Transport-level failures, in the shape and with the codes the contract gives Apollo's own (formatError). */
function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  const extensions = status >= 500 ? { code: 'INTERNAL_SERVER_ERROR' } : { code: 'BAD_USER_INPUT', fields: [] };
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  if (status === 413) res.setHeader('connection', 'close');
  res.end(JSON.stringify({ errors: [{ message, extensions }] }));
}

/** Subscriptions run over graphql-ws on the same path; over plain HTTP one is the client's mistake (400), not ours. */
export function noSubscriptionsOverHttp(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') {
            throw new GraphQLError('Subscriptions run over WebSocket (graphql-ws) at /graphql, not over HTTP.', {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
