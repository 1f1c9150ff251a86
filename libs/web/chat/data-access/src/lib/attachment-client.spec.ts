import { TestBed } from '@angular/core/testing';
import { SESSION_ACCESS, type SessionAccess } from '@parley/web/shared/data-access';
import { AttachmentClient } from './attachment-client';

/** A session whose token the server stopped taking: renewing it gives the next one. */
class Session implements SessionAccess {
  token = 'expired';
  renewals = 0;
  async accessToken() {
    return this.token;
  }
  hasToken() {
    return true;
  }
  sessionRejected() {
    this.token = '';
  }
  async tokenRefused(token: string | null) {
    if (token !== this.token) return true;
    this.renewals++;
    this.token = `fresh-${this.renewals}`;
    return true;
  }
}

describe('AttachmentClient.upload', () => {
  const realFetch = globalThis.fetch;
  let session: Session;
  let calls: string[];

  beforeEach(() => {
    session = new Session();
    calls = [];
    TestBed.configureTestingModule({ providers: [{ provide: SESSION_ACCESS, useValue: session }] });
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  /** POST /uploads as the server answers it: 401 to any token but the ones in `accepted`. */
  function server(accepted: (token: string) => boolean) {
    globalThis.fetch = (async (_url: string, init: RequestInit) => {
      const token = String((init.headers as Record<string, string>)['authorization'] ?? '').replace('Bearer ', '');
      calls.push(token);
      const answer = accepted(token)
        ? { status: 201, body: { id: 'u1', name: 'a.png', contentType: 'image/png', size: 3 } }
        : { status: 401, body: { errors: [{ message: 'Sign in first.', extensions: { code: 'UNAUTHENTICATED' } }] } };
      // what the client reads of a Response (jsdom has none of its own)
      return { status: answer.status, ok: answer.status < 300, json: async () => answer.body };
    }) as typeof fetch;
  }

  it('renews a token the server refused and sends the file again, once', async () => {
    server((token) => token.startsWith('fresh'));
    const uploaded = await TestBed.inject(AttachmentClient).upload(new File(['png'], 'a.png', { type: 'image/png' }));
    expect(uploaded).toMatchObject({ id: 'u1', thumbnailUrl: '/uploads/u1/thumbnail' });
    expect(calls).toEqual(['expired', 'fresh-1']);
  });

  it('says why when the renewed token is refused too, without trying again', async () => {
    server(() => false);
    await expect(TestBed.inject(AttachmentClient).upload(new File(['png'], 'a.png'))).rejects.toThrow('The file could not be uploaded.');
    expect(calls).toEqual(['expired', 'fresh-1']);
  });
});
