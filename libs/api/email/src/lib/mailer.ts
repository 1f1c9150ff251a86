import nodemailer, { type Transporter } from 'nodemailer';
import type { ModuleLogger } from '@parley/api/core';

/** One email as the domain writes it: both parts always (mail clients that show no HTML get the text). */
export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What kind of email it is, for the log (never its content). */
  kind: 'password-reset' | 'transcript' | 'away-reply';
}

/**
 * Sends through SMTP_URL with nodemailer (pooled connections, STARTTLS when
 * the server offers it, TLS from the start with smtps://). The log names the
 * kind of email and the recipient's domain only: no address, no body.
 */
export class Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly logger: ModuleLogger,
  ) {
    const url = new URL(smtpUrl);
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      pool: true,
      maxConnections: 2,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      // nodemailer's own logger prints message content: off.
      logger: false,
      debug: false,
    });
  }

  /** Sends or throws (the job queue retries). */
  async send(email: Email): Promise<void> {
    const info = await this.transport.sendMail({ from: this.from, to: email.to, subject: email.subject, text: email.text, html: email.html });
    this.logger.info({ email: email.kind, domain: email.to.split('@').pop(), messageId: info.messageId }, 'email sent');
  }

  close(): void {
    this.transport.close();
  }
}
