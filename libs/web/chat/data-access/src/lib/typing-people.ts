import { signal } from '@angular/core';

/** A typing indicator whose "stopped" event got lost fades after this long. */
export const TYPING_STALE_MS = 8_000;

export interface TypingPerson {
  id: string;
  name: string;
}

/** Who is typing in one conversation, from typingChanged events; each fades on its own if its "stopped" never comes. */
export class TypingPeople {
  private readonly people = signal<readonly TypingPerson[]>([]);
  readonly list = this.people.asReadonly();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  set(person: TypingPerson, typing: boolean): void {
    clearTimeout(this.timers.get(person.id));
    this.timers.delete(person.id);
    const others = this.people().filter((p) => p.id !== person.id);
    if (typing) {
      this.people.set([...others, person]);
      this.timers.set(
        person.id,
        setTimeout(() => this.set(person, false), TYPING_STALE_MS),
      );
    } else if (others.length !== this.people().length) {
      this.people.set(others);
    }
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.people.set([]);
  }
}
