import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { Subject } from 'rxjs';
import { HOST_CHANNEL, isIdentity, type FromHost, type HostIdentity } from './host-channel';

/**
 * The loader's protocol as the app sees it: whether the host shows the
 * panel, who the host has signed in, and the unread count and close request
 * going up. Opened directly (not in a frame), the widget is an always-open panel.
 */
@Injectable({ providedIn: 'root' })
export class HostBridge {
  private readonly channel = inject(HOST_CHANNEL);
  readonly embedded = this.channel.embedded;

  /** Whether the host shows the panel (always, when not embedded). */
  readonly open = signal(!this.embedded);
  /** Whether the host's settings arrived (at once, when not embedded). */
  readonly settled = signal(!this.embedded);
  /** The person the host has signed in, from its settings; null: nobody. */
  readonly initialIdentity = signal<HostIdentity | null>(null);
  readonly identifyRequests = new Subject<HostIdentity>();
  readonly signOutRequests = new Subject<void>();

  private lastUnread = -1;

  constructor() {
    const stop = this.channel.listen((message) => this.receive(message));
    inject(DestroyRef).onDestroy(stop);
    // settings that came before the app started (main.ts waits for them)
    void this.channel.settings.then((settings) => {
      if (settings && !this.settled()) this.receive(settings);
      else this.settled.set(true);
    });
  }

  /** The number of replies the visitor has not seen, for the launcher's badge (sent when it changes). */
  unread(count: number): void {
    if (count === this.lastUnread) return;
    this.lastUnread = count;
    this.channel.post({ parley: 'unread', count });
  }

  /** Asks the host to close the panel (Escape, the panel's own close button). */
  close(): void {
    this.channel.post({ parley: 'close' });
  }

  private receive(data: FromHost): void {
    switch (data.parley) {
      case 'settings':
        this.initialIdentity.set(isIdentity(data.identity) ? data.identity : null);
        this.open.set(data.open === true);
        this.settled.set(true);
        break;
      case 'visibility':
        this.open.set(data.open === true);
        break;
      case 'identify':
        if (isIdentity(data.identity)) this.identifyRequests.next(data.identity);
        break;
      case 'signOut':
        this.signOutRequests.next();
        break;
    }
  }
}
