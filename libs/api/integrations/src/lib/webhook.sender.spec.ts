import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { AddressGuard } from './address-guard';
import { deliver, signedHeaders } from './webhook.sender';
import { newWebhookSecret } from './webhook.service';

describe('one delivery attempt, against a real receiver', () => {
  let server: Server;
  let url = '';
  let answer: (path: string) => number | 'never' = () => 200;
  const bodies: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString());
        const status = answer(req.url ?? '/');
        if (status === 'never') return;
        res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:1/' } : {}).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const request = (path = '/') => ({ url: `${url}${path}`, secret: newWebhookSecret(), messageId: 'msg_0123', body: '{"type":"chat.created"}' });
  const guard = new AddressGuard(false);

  it('signs so that the standardwebhooks verifier accepts it, and nothing else', () => {
    const req = request();
    const headers = signedHeaders(req);
    expect(new Webhook(req.secret).verify(req.body, headers)).toEqual({ type: 'chat.created' });
    expect(() => new Webhook(req.secret).verify(req.body.replace('created', 'updated'), headers)).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(req.body, headers)).toThrow();
  });

  it('counts a 2xx as success and anything else, redirects included, as a failure with its status', async () => {
    answer = (path) => Number(path.slice(1)) || 200;
    expect(await deliver(request('/204'), guard)).toEqual({ ok: true, status: 204 });
    expect(await deliver(request('/302'), guard)).toEqual({ ok: false, status: 302 });
    expect(await deliver(request('/500'), guard)).toEqual({ ok: false, status: 500 });
    expect(bodies.at(-1)).toBe('{"type":"chat.created"}');
  });

  it('gives up on a receiver that does not answer in time', async () => {
    answer = () => 'never';
    const started = Date.now();
    const outcome = await deliver(request(), guard, 300);
    expect(outcome).toMatchObject({ ok: false, status: null });
    expect(outcome.error).toMatch(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails cleanly when nothing listens', async () => {
    const outcome = await deliver({ ...request(), url: 'http://127.0.0.1:1/' }, guard);
    expect(outcome).toMatchObject({ ok: false, status: null });
  });
});
