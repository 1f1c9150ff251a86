import { Injectable, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { AuthService, SessionStore, SESSION_PERSISTENCE, type SessionPersistence } from '@parley/web/auth/data-access';
import { RealtimeConnection, toAppError } from '@parley/web/shared/data-access';
import { IdentifyVisitorGQL, StartVisitorSessionGQL, type VisitorSessionFragment } from '../generated/graphql';
import type { HostIdentity } from './host-channel';
import { WIDGET_STORAGE } from './widget-storage';

/**
 * The widget keeps one session for every tab of the host site: in its own
 * origin's localStorage (partitioned by the browser per host site), renewed
 * by one tab at a time (SessionStore with a Web Lock).
 */
export const WIDGET_SESSION_KEY = 'parley.widget.session';
export const provideWidgetSession = () => ({
  provide: SESSION_PERSISTENCE,
  useFactory: (): SessionPersistence => {
    const storage = inject(WIDGET_STORAGE);
    return { area: 'local', key: WIDGET_SESSION_KEY, storage: () => storage };
  },
});

/** Which host user the stored session belongs to (absent: an anonymous visitor). Cleared with the session. */
const IDENTITY_KEY = 'parley.widget.identity';

export interface VisitorDetails {
  displayName?: string | null;
  email?: string | null;
}

const cleanDetails = (details: VisitorDetails) => ({ displayName: details.displayName?.trim() || null, email: details.email?.trim() || null });

/**
 * Who the widget speaks for: nobody until the visitor first writes or picks
 * a file (startVisitorSession then), or the host's signed-in user
 * (identifyVisitor, which takes an anonymous visitor's chats along).
 */
@Injectable({ providedIn: 'root' })
export class VisitorSession {
  private readonly session = inject(SessionStore);
  private readonly auth = inject(AuthService);
  private readonly realtime = inject(RealtimeConnection);
  private readonly startGql = inject(StartVisitorSessionGQL);
  private readonly identifyGql = inject(IdentifyVisitorGQL);
  private readonly storage = inject(WIDGET_STORAGE);

  /** Set when the host's proof of identity was refused; the visitor goes on as a guest. */
  readonly identityRefused = signal(false);
  private identifying: Promise<void> | null = null;
  /** The details of a session started here for files, until the first message (null: none). */
  private startedForFiles: { displayName: string | null; email: string | null } | null = null;

  /**
   * A session for the visitor's first message, if there is none yet. One
   * started for files with other details (the visitor filled in the
   * pre-chat fields after choosing a file) is renewed with these: the same
   * visitor, so the uploads stay theirs.
   */
  async ensure(details: VisitorDetails = {}): Promise<void> {
    await this.identifying;
    const input = cleanDetails(details);
    const earlier = this.startedForFiles;
    if (this.session.signedIn() && !(earlier && (earlier.displayName !== input.displayName || earlier.email !== input.email))) return;
    // asked with the visitor's own token (while signed in): the server renews that visitor
    await this.start(input);
    this.startedForFiles = null;
  }

  /**
   * A session for files chosen before the first message (uploads need a
   * token): the visitor's own, held only in their tokens. Nothing is stored
   * unless they write; files they never send expire on the server.
   */
  async ensureForFiles(details: VisitorDetails = {}): Promise<void> {
    await this.identifying;
    if (this.session.signedIn()) return;
    const input = cleanDetails(details);
    await this.start(input);
    this.startedForFiles = input;
  }

  private async start(input: { displayName: string | null; email: string | null }): Promise<void> {
    const result = await firstValueFrom(this.startGql.mutate({ variables: { input } })).catch((e: unknown) => {
      throw toAppError(e);
    });
    const payload = result.data?.startVisitorSession;
    if (!payload) throw toAppError(new Error('The server returned no data'));
    this.begin(payload, null);
  }

  /** Signs in the host's user, unless this session already is theirs. */
  identify(identity: HostIdentity): Promise<void> {
    const run = async () => {
      if (this.session.signedIn() && this.identifiedAs() === identity.externalId) return;
      // another host user's session: forget it rather than hand its chats over
      if (this.identifiedAs() !== null) await this.forget();
      try {
        const result = await firstValueFrom(
          this.identifyGql.mutate({
            variables: { input: { externalId: identity.externalId, userHash: identity.userHash, displayName: identity.name ?? null, email: identity.email ?? null } },
          }),
        );
        const payload = result.data?.identifyVisitor;
        if (!payload) return;
        this.identityRefused.set(false);
        this.begin(payload, identity.externalId);
      } catch (e: unknown) {
        if (toAppError(e).code === 'UNAUTHENTICATED') this.identityRefused.set(true);
      }
    };
    this.identifying = (this.identifying ?? Promise.resolve()).then(run, run);
    return this.identifying;
  }

  /** The host signed its user out: forget the session here (and end it on the server). */
  async forget(): Promise<void> {
    this.startedForFiles = null;
    await this.auth.signOut();
  }

  /** The host user the stored session belongs to; null for an anonymous visitor or nobody. */
  identifiedAs(): string | null {
    try {
      return this.session.signedIn() ? (this.storage?.getItem(IDENTITY_KEY) ?? null) : null;
    } catch {
      return null;
    }
  }

  private begin(payload: VisitorSessionFragment, externalId: string | null): void {
    // a socket opened under another identity must not be reused
    this.realtime.reset();
    try {
      if (externalId) this.storage?.setItem(IDENTITY_KEY, externalId);
      else this.storage?.removeItem(IDENTITY_KEY);
    } catch {
      // storage disabled: the session lasts this page
    }
    this.session.start(payload);
  }
}
