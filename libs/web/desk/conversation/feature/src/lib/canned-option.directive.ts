import { Directive, input, signal } from '@angular/core';
import type { Highlightable } from '@angular/cdk/a11y';

/**
 * One suggestion of the composer's canned-reply listbox. Focus stays in the
 * composer; the CDK's ActiveDescendantKeyManager moves the active option
 * (aria-activedescendant), this marks it.
 */
@Directive({
  selector: '[parleyCannedOption]',
  host: {
    role: 'option',
    '[id]': 'id()',
    '[attr.aria-selected]': 'active()',
    '[class.canned--on]': 'active()',
  },
})
export class CannedOptionDirective implements Highlightable {
  readonly id = input.required<string>();
  protected readonly active = signal(false);

  setActiveStyles(): void {
    this.active.set(true);
  }

  setInactiveStyles(): void {
    this.active.set(false);
  }
}
