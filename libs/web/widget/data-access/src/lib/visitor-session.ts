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

/**
 * Who the widget speaks for: nobody until the visitor first writes
 * (startVisitorSession then), or the host's signed-in user (identifyVisitor,
 * which takes an anonymous visitor's chats along).
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

  /** A session for the visitor's first message, if there is none yet. */
  async ensure(details: VisitorDetails = {}): Promise<void> {
    await this.identifying;
    if (this.session.signedIn()) return;
    const input = { displayName: details.displayName?.trim() || null, email: details.email?.trim() || null };
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
