import { InjectionToken } from '@angular/core';
import type { HostChannel } from './host-channel';

/**
 * Where the widget keeps its session, the identity it stands for and what was
 * read: its own origin's localStorage (partitioned per host site by the
 * browser, shared by every tab), or, where the browser denies a framed page
 * its storage (blocked third-party storage, private windows), the host page's
 * localStorage through the loader. Null: nowhere (the session lasts a page).
 */
export const WIDGET_STORAGE = new InjectionToken<Storage | null>('WidgetStorage', { providedIn: 'root', factory: () => ownStorage() });

export function ownStorage(): Storage | null {
  try {
    const storage = window.localStorage;
    storage.getItem('parley.widget.probe');
    return storage;
  } catch {
    return null;
  }
}

/**
 * A Storage kept by the host page: reads from a copy here, writes sent to the
 * loader, which keeps them in the host's localStorage and forwards changes
 * made in the host's other tabs (as a storage event here).
 */
export class HostStorage implements Storage {
  private values: Record<string, string>;

  constructor(
    private readonly channel: HostChannel,
    initial: Record<string, string> = {},
  ) {
    this.values = { ...initial };
    channel.listen((message) => {
      if (message.parley !== 'stored' || !message.values || typeof message.values !== 'object') return;
      this.values = { ...message.values };
      window.dispatchEvent(new StorageEvent('storage', { key: null }));
    });
  }

  get length(): number {
    return Object.keys(this.values).length;
  }

  key(index: number): string | null {
    return Object.keys(this.values)[index] ?? null;
  }

  getItem(key: string): string | null {
    return Object.prototype.hasOwnProperty.call(this.values, key) ? this.values[key] : null;
  }

  setItem(key: string, value: string): void {
    this.values[key] = String(value);
    this.channel.post({ parley: 'store', key, value: String(value) });
  }

  removeItem(key: string): void {
    if (!(key in this.values)) return;
    delete this.values[key];
    this.channel.post({ parley: 'store', key, value: null });
  }

  clear(): void {
    for (const key of Object.keys(this.values)) this.removeItem(key);
  }
}
