import { DestroyRef, Injectable, effect, inject, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { Router } from '@angular/router';
import { InboxStore, type InboxActivity } from '@parley/web/desk/inbox/data-access';
import { Coalescer, badgedTitle, summarize, type AttentionEvent } from './coalescer';

const COALESCE_MS = 1_500;

export type NotificationState = 'unsupported' | 'default' | 'granted' | 'denied';

/**
 * Never miss a customer: the tab title carries the count of waiting chats
 * and unread messages, and desktop notifications (only once the agent has
 * turned them on) tell of new chats and messages, a burst at a time, never
 * for the chat on screen while the tab is visible.
 */
@Injectable({ providedIn: 'root' })
export class AttentionService {
  private readonly inbox = inject(InboxStore);
  private readonly title = inject(Title);
  private readonly router = inject(Router);
  readonly permission = signal<NotificationState>(currentPermission());
  /** A short tone for new chats and messages (off until the agent turns it on; kept for the tab). */
  readonly sound = signal(readSound());
  private audio: AudioContext | null = null;
  private readonly coalescer = new Coalescer(COALESCE_MS, (events) => this.notify(events));

  constructor() {
    effect(() => this.title.setTitle(badgedTitle(this.title.getTitle(), this.inbox.attentionCount())));
    const sub = this.inbox.activity.subscribe((a) => this.onActivity(a));
    // titles set by the router lose the badge: put it back after each navigation
    const nav = this.router.events.subscribe(() => queueMicrotask(() => this.title.setTitle(badgedTitle(this.title.getTitle(), this.inbox.attentionCount()))));
    inject(DestroyRef).onDestroy(() => {
      sub.unsubscribe();
      nav.unsubscribe();
      this.coalescer.cancel();
    });
  }

  /** Asks the browser for permission; only ever called from the agent's click or key (never on page load). */
  async enable(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    this.permission.set((await Notification.requestPermission()) as NotificationState);
  }

  toggleSound(): void {
    this.sound.update((on) => !on);
    try {
      sessionStorage.setItem(SOUND_KEY, this.sound() ? '1' : '0');
    } catch {
      // storage disabled: the choice lives in this page
    }
    if (this.sound()) this.beep();
  }

  private beep(): void {
    try {
      this.audio ??= new AudioContext();
      const tone = this.audio.createOscillator();
      const gain = this.audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, this.audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, this.audio.currentTime + 0.25);
      tone.connect(gain).connect(this.audio.destination);
      tone.start();
      tone.stop(this.audio.currentTime + 0.25);
    } catch {
      // no audio here: the title badge and notifications still tell
    }
  }

  private onActivity(activity: InboxActivity): void {
    const onScreen = this.inbox.onScreen() === activity.chat.id && document.visibilityState === 'visible';
    if (onScreen) return;
    if (this.sound()) this.beep();
    if (this.permission() !== 'granted') return;
    const customer = activity.chat.customer.displayName;
    const event: AttentionEvent =
      activity.kind === 'queued'
        ? { chatId: activity.chat.id, who: customer, text: $localize`:@@desk.notify.queued:is waiting in the queue` }
        : activity.kind === 'assigned'
          ? { chatId: activity.chat.id, who: customer, text: $localize`:@@desk.notify.assigned:was assigned to you` }
          : { chatId: activity.chat.id, who: customer, text: activity.message?.body ?? '' };
    this.coalescer.add(event);
  }

  private notify(events: readonly AttentionEvent[]): void {
    // the chat may have come on screen during the burst
    const shown = document.visibilityState === 'visible' ? this.inbox.onScreen() : null;
    const summary = summarize(events.filter((e) => e.chatId !== shown));
    if (!summary) return;
    const note = new Notification(summary.title, { body: summary.body, tag: 'parley-desk' });
    note.onclick = () => {
      window.focus();
      if (summary.chatId) void this.router.navigate(['/all', summary.chatId]);
      note.close();
    };
  }
}

const SOUND_KEY = 'parley.desk.sound';

function readSound(): boolean {
  try {
    return sessionStorage.getItem(SOUND_KEY) === '1';
  } catch {
    return false;
  }
}

function currentPermission(): NotificationState {
  return typeof Notification === 'undefined' ? 'unsupported' : (Notification.permission as NotificationState);
}
