import { awayReplyEmail, passwordResetEmail, transcriptEmail } from './email-templates';

const at = new Date('2026-12-03T10:15:00Z');

describe('email templates', () => {
  it('write the same content as text and as escaped HTML', () => {
    const lines = [
      { at, author: 'Robin <script>', body: 'Is "this" & that <b>ok</b>?' },
      { at, author: null, body: 'Alex joined' },
    ];
    const email = transcriptEmail('Refund\r\nBcc: x@evil.test', lines, 'https://chat.example.test/chats/1');
    expect(email.subject).toBe('Transcript: Refund Bcc: x@evil.test');
    expect(email.text).toContain('[2026-12-03 10:15 UTC] Robin <script>: Is "this" & that <b>ok</b>?');
    expect(email.text).toContain('— Alex joined');
    expect(email.html).toContain('Robin &lt;script&gt;');
    expect(email.html).toContain('Is &quot;this&quot; &amp; that &lt;b&gt;ok&lt;/b&gt;?');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('href="https://chat.example.test/chats/1"');
  });

  it('give the reset link in both parts, with its lifetime', () => {
    const email = passwordResetEmail('Sam', 'https://chat.example.test/reset-password#token=abc', 60);
    expect(email.text).toContain('https://chat.example.test/reset-password#token=abc');
    expect(email.text).toContain('60 minutes');
    expect(email.html).toContain('href="https://chat.example.test/reset-password#token=abc"');
  });

  it('link an away reply back to its conversation', () => {
    const email = awayReplyEmail(null, [{ at, author: 'Alex', body: 'Done.' }], 'https://chat.example.test/chats/2');
    expect(email.subject).toBe('New reply: your conversation');
    expect(email.text).toContain('Alex: Done.');
    expect(email.text).toContain('https://chat.example.test/chats/2');
  });
});
