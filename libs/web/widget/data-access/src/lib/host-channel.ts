import { InjectionToken } from '@angular/core';

/** A person the host website has signed in (window.parleySettings or Parley.identify). */
export interface HostIdentity {
  externalId: string;
  userHash: string;
  name?: string;
  email?: string;
}

export interface HostSettings {
  parley: 'settings';
  locale?: string;
  identity: HostIdentity | null;
  open: boolean;
  /** What the widget kept in the host's storage (only used where its own storage is blocked). */
  stored?: Record<string, string>;
}

/** What the loader (/widget.js on the host page) sends down, tagged `parley`. */
export type FromHost =
  | HostSettings
  | { parley: 'visibility'; open: boolean }
  | { parley: 'identify'; identity: HostIdentity }
  | { parley: 'signOut' }
  | { parley: 'stored'; values: Record<string, string> };

/** How long to wait for the host's settings before starting without them. */
const SETTINGS_WAIT_MS = 3_000;

/** The host page's origin given by the loader (`?host=`): only an http(s) origin is taken. */
export function hostOriginFrom(search: string): string | null {
  const value = new URLSearchParams(search).get('host');
  if (!value) return null;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value ? url.origin : null;
  } catch {
    return null;
  }
}

export function isIdentity(value: unknown): value is HostIdentity {
  const v = value as Partial<HostIdentity> | null;
  return !!v && typeof v === 'object' && typeof v.externalId === 'string' && typeof v.userHash === 'string';
}

/**
 * The widget's end of the loader's postMessage protocol (README, "Website
 * visitors"), opened before the app starts: it posts `ready` to the host's
 * origin only, and listens only to its parent window from that origin.
 */
export class HostChannel {
  readonly hostOrigin = hostOriginFrom(location.search);
  readonly embedded = window.parent !== window && this.hostOrigin !== null;
  /** The host's settings: the first `settings` message, or null when not embedded or none came in time. */
  readonly settings: Promise<HostSettings | null>;
  private readonly listeners = new Set<(message: FromHost) => void>();

  constructor() {
    if (!this.embedded) {
      this.settings = Promise.resolve(null);
      return;
    }
    let settle: (settings: HostSettings | null) => void = () => undefined;
    this.settings = new Promise((resolve) => (settle = resolve));
    setTimeout(() => settle(null), SETTINGS_WAIT_MS);
    window.addEventListener('message', (event: MessageEvent) => {
      if (event.source !== window.parent || event.origin !== this.hostOrigin) return;
      const data = event.data as FromHost | null;
      if (!data || typeof data !== 'object' || typeof data.parley !== 'string') return;
      if (data.parley === 'settings') settle(data);
      for (const listener of this.listeners) listener(data);
    });
    this.post({ parley: 'ready' });
  }

  post(message: object): void {
    if (this.embedded && this.hostOrigin) window.parent.postMessage(message, this.hostOrigin);
  }

  listen(listener: (message: FromHost) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const HOST_CHANNEL = new InjectionToken<HostChannel>('HostChannel', { providedIn: 'root', factory: () => new HostChannel() });
