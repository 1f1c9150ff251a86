import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, with what verifying its signature said. */
export interface Received {
  id: string;
  type: string;
  data: { chat: Record<string, unknown>; message?: Record<string, unknown> };
  timestamp: string;
  headers: IncomingHttpHeaders;
  verified: boolean;
  /** The status it answered with. */
  answered: number;
  at: number;
}

/**
 * A real HTTP endpoint for the tests, as an integrator would run one: every
 * request is verified with the standardwebhooks package and the secret of the
 * webhook, recorded, then answered with what `answer` says (200 by default).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** The status for a request; set by each test. */
  answer: (request: { id: string; type: string; attempt: number; chatId: string }) => number = () => 200;
  /** Time each request is held before the answer (to make overlaps visible). */
  holdMs = 0;
  secret = '';
  /** Requests being answered right now, by webhook-id: two at once would be a double send. */
  readonly inFlight = new Set<string>();
  overlaps = 0;
  private server: Server | undefined;

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/hook`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let verified = false;
        try {
          new Webhook(this.secret).verify(body, req.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
        const parsed = JSON.parse(body) as Pick<Received, 'type' | 'data' | 'timestamp'>;
        const id = String(req.headers['webhook-id']);
        if (this.inFlight.has(id)) this.overlaps++;
        this.inFlight.add(id);
        const attempt = this.received.filter((r) => r.id === id).length + 1;
        const answered = this.answer({ id, type: parsed.type, attempt, chatId: String(parsed.data.chat['id']) });
        if (this.holdMs) await new Promise((r) => setTimeout(r, this.holdMs));
        this.received.push({ id, ...parsed, headers: req.headers, verified, answered, at: Date.now() });
        this.inFlight.delete(id);
        res.writeHead(answered, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  /** Accepted (2xx) requests of one chat, in the order they arrived. */
  accepted(chatId: string): Received[] {
    return this.received.filter((r) => r.data.chat['id'] === chatId && r.answered < 300);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
