/** The emails' words and markup: a text part and an HTML part with the same content. */

export interface TranscriptLine {
  at: Date;
  /** Who wrote it as the customer sees them; null for the system's own lines. */
  author: string | null;
  body: string;
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

// Header injection is nodemailer's to refuse; line breaks in a subject are simply not wanted.
const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, ' ').trim();

const time = (at: Date) => at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

function page(title: string, inner: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2933;max-width:40rem;margin:0 auto;padding:1rem">${inner}</body></html>`;
}

const paragraphs = (body: string) =>
  body
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 .5rem;white-space:pre-wrap">${escapeHtml(p)}</p>`)
    .join('');

function lines(list: readonly TranscriptLine[]): { text: string; html: string } {
  const text = list.map((line) => `[${time(line.at)}] ${line.author ? `${line.author}: ` : '— '}${line.body}`).join('\n\n');
  const html = list
    .map(
      (line) =>
        `<div style="margin:0 0 1rem"><div style="font-size:.85rem;color:#52606d">${escapeHtml(line.author ?? 'Parley')} · ${time(line.at)}</div>${paragraphs(line.body)}</div>`,
    )
    .join('');
  return { text, html };
}

export function passwordResetEmail(name: string, link: string, validMinutes: number): Rendered {
  const subject = 'Reset your Parley password';
  const text = [
    `Hello ${name},`,
    '',
    `Someone (we hope you) asked to reset the password of your Parley account. Open this link to choose a new one; it works once, for ${validMinutes} minutes:`,
    '',
    link,
    '',
    'If you did not ask, ignore this email: your password stays as it is.',
  ].join('\n');
  const html = page(
    subject,
    `<p>Hello ${escapeHtml(name)},</p>` +
      `<p>Someone (we hope you) asked to reset the password of your Parley account. This link works once, for ${validMinutes} minutes:</p>` +
      `<p><a href="${escapeHtml(link)}">Choose a new password</a></p>` +
      `<p style="font-size:.85rem;color:#52606d">Or copy this address: ${escapeHtml(link)}</p>` +
      `<p>If you did not ask, ignore this email: your password stays as it is.</p>`,
  );
  return { subject, text, html };
}

export function transcriptEmail(subject: string | null, list: readonly TranscriptLine[], link: string): Rendered {
  const title = oneLine(`Transcript: ${subject || 'your conversation'}`);
  const body = lines(list);
  const text = `${title}\n\n${body.text}\n\nThe conversation: ${link}\n`;
  const html = page(title, `<h1 style="font-size:1.25rem">${escapeHtml(title)}</h1>${body.html}<p><a href="${escapeHtml(link)}">Open the conversation</a></p>`);
  return { subject: title, text, html };
}

/** The transcript as a text file a customer or an agent downloads: the same lines as the email's. */
export function transcriptFile(subject: string | null, list: readonly TranscriptLine[], exportedAt: Date): string {
  const title = oneLine(`Transcript: ${subject || 'your conversation'}`);
  return `${title}\nExported ${time(exportedAt)}\n\n${lines(list).text}\n`;
}

export function awayReplyEmail(subject: string | null, list: readonly TranscriptLine[], link: string): Rendered {
  const title = oneLine(`New reply: ${subject || 'your conversation'}`);
  const body = lines(list);
  const text = `You have a reply in your conversation with support.\n\n${body.text}\n\nReply here: ${link}\n`;
  const html = page(
    title,
    `<p>You have a reply in your conversation with support.</p>${body.html}<p><a href="${escapeHtml(link)}">Reply in the conversation</a></p>`,
  );
  return { subject: title, text, html };
}
