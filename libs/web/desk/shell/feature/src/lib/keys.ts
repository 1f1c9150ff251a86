/** Whether a key press belongs to a text field (letters typed there are text, not shortcuts). */
export function typingInField(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** A plain key (no Ctrl, Alt or Meta): browser and system shortcuts are left alone. */
export function plainKey(event: KeyboardEvent): boolean {
  return !event.ctrlKey && !event.altKey && !event.metaKey;
}

/** Every shortcut of the desk, as the `?` sheet lists them. */
export const SHORTCUTS: ReadonlyArray<{ keys: string; action: string }> = [
  { keys: '1 / 2 / 3 / 4', action: $localize`:@@desk.key.views:Queue / Mine / All / Search` },
  { keys: 's', action: $localize`:@@desk.key.search:Search chats: words in messages and subjects, and labels (Enter searches, ↓ to the results)` },
  { keys: 'f', action: $localize`:@@desk.key.filters:Filters of the All view (status, then label with Tab)` },
  { keys: 'j / k, ↓ / ↑', action: $localize`:@@desk.key.move:Next / previous chat in the list` },
  { keys: 'Enter', action: $localize`:@@desk.key.open:Open the chat` },
  { keys: 'a', action: $localize`:@@desk.key.accept:Accept (the chat on screen, the chat picked, or the oldest waiting)` },
  { keys: 'r', action: $localize`:@@desk.key.reply:Reply: go to the composer` },
  { keys: 'p', action: $localize`:@@desk.key.note:Private note: the composer writes for the team only` },
  { keys: 'Enter / Shift+Enter', action: $localize`:@@desk.key.send:Send / new line (in the composer)` },
  { keys: '/', action: $localize`:@@desk.key.canned:Canned replies (first in the composer; ↓ ↑ to choose, Enter or Tab to insert)` },
  { keys: 'Esc', action: $localize`:@@desk.key.escape:Leave the composer for the list` },
  { keys: 'x', action: $localize`:@@desk.key.close:Close the chat on screen` },
  { keys: 't', action: $localize`:@@desk.key.transfer:Transfer the chat to a colleague` },
  { keys: 'e', action: $localize`:@@desk.key.release:Release the chat to the queue` },
  { keys: 'l', action: $localize`:@@desk.key.labels:Labels of the chat on screen` },
  { keys: 'o', action: $localize`:@@desk.key.availability:Your availability (online, away, offline)` },
  { keys: 'm', action: $localize`:@@desk.key.sound:Sound on / off` },
  { keys: '[ / ]', action: $localize`:@@desk.key.tabs:Previous / next open chat` },
  { keys: 'w', action: $localize`:@@desk.key.dismiss:Put the chat on screen away (it stays in its view)` },
  { keys: 'n', action: $localize`:@@desk.key.notify:Turn on desktop notifications` },
  { keys: '?', action: $localize`:@@desk.key.help:This sheet` },
];
