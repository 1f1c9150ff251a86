// A real SMTP server in the test process (smtp-server), each message parsed with mailparser.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The raw message as it came over the wire. */
  raw: string;
}

export interface SmtpReceiver {
  /** smtp://user:pass@127.0.0.1:PORT (the server asks for these credentials). */
  url: string;
  mails: ReceivedMail[];
  /** Resolves once `count` mails to `to` have arrived (all mails when `to` is omitted). */
  waitFor(count: number, to?: string, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Mails to this address so far. */
  to(address: string): ReceivedMail[];
  stop(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'parley' && auth.password === 'secret') callback(null, { user: 'parley' });
      else callback(new Error('bad credentials'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              from: parsed.from?.text ?? '',
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              raw: raw.toString('utf8'),
            });
            for (const waiter of [...waiters]) waiter();
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as AddressInfo).port;
  const to = (address: string) => mails.filter((mail) => mail.to.includes(address.toLowerCase()));
  return {
    url: `smtp://parley:secret@127.0.0.1:${port}`,
    mails,
    to,
    waitFor(count, address, timeoutMs = 15_000) {
      const current = () => (address ? to(address) : mails);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (current().length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(current());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${count} mail(s)${address ? ` to ${address}` : ''}; have ${current().length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
