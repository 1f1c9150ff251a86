import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The right-hand pane with no chat on screen. */
@Component({
  selector: 'parley-desk-empty-pane',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<p class="hint" i18n="@@desk.pane.empty">Pick a chat, or press <kbd>a</kbd> to accept the oldest waiting. <kbd>?</kbd> lists every key.</p>`,
  styles: `
    :host { flex: 1; display: grid; place-items: center; }
    .hint { color: var(--color-muted); }
    kbd { font-family: ui-monospace, monospace; border: 1px solid var(--color-border-strong); border-radius: 0.25rem; padding: 0 0.25rem; }
  `,
})
export class EmptyPaneComponent {}
