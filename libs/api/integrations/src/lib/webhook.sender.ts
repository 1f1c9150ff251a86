import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { AddressGuard } from './address-guard';

/** A 2xx within this long is success; anything else (or nothing) is retried. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export interface DeliveryRequest {
  url: string;
  /** whsec_ + base64: the key is the decoded bytes. */
  secret: string;
  /** The webhook-id header: the same on every attempt of one event. */
  messageId: string;
  /** The exact bytes sent and signed. */
  body: string;
}

export interface DeliveryOutcome {
  ok: boolean;
  /** The HTTP status; null when none came (refused address, connection error, timeout). */
  status: number | null;
  /** Why it failed, for the log (never the response body). */
  error?: string;
}

/** The Standard Webhooks headers for one attempt: signed over `id.timestamp.body` with the secret's bytes. */
export function signedHeaders(request: DeliveryRequest, at = new Date()): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  const signature = new StandardWebhook(request.secret).sign(request.messageId, new Date(timestamp * 1000), request.body);
  return {
    'content-type': 'application/json',
    'user-agent': 'Parley-Webhooks/1',
    'webhook-id': request.messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  };
}

/**
 * One attempt: a POST of the body with fresh signature headers. The guard
 * checks the host (an IP literal here, a name inside the socket's lookup, so
 * the connection goes to the address that was checked). Redirects are not
 * followed: a 3xx is a failed attempt.
 */
export async function deliver(request: DeliveryRequest, guard: AddressGuard, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<DeliveryOutcome> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { ok: false, status: null, error: 'invalid url' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  try {
    if (isIP(host)) await guard.check(host);
  } catch (error) {
    return { ok: false, status: null, error: (error as Error).message };
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = Buffer.from(request.body);
  return new Promise<DeliveryOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...signedHeaders(request), 'content-length': String(body.length) },
        lookup: guard.lookup,
        // One connection per attempt: no pooled socket outlives the address check it was made under.
        agent: false,
      },
      (res: IncomingMessage) => {
        // The status decides; the answer's body is only drained, never read into memory.
        const status = res.statusCode ?? null;
        finish({ ok: status !== null && status >= 200 && status < 300, status });
        res.on('error', () => undefined);
        res.resume();
      },
    );
    // Whatever is still open after the timeout (no answer yet, or a body that never ends) is cut.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (error) => finish({ ok: false, status: null, error: error.message }));
    req.end(body);
  });
}
