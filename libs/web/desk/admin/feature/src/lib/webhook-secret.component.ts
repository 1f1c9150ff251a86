import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, effect, inject, input, output, signal, untracked, viewChild } from '@angular/core';

/**
 * A webhook's signing secret, shown once (at creation, after a rotation):
 * the warning that it will not be shown again, the secret selectable and
 * copyable, and a button that puts it away. Focus comes to its heading so
 * a screen reader announces it at once.
 */
@Component({
  selector: 'parley-desk-webhook-secret',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="secret" aria-labelledby="secret-heading" data-testid="webhook-secret">
      <h2 id="secret-heading" tabindex="-1" #heading>
        @if (rotated()) {
          <ng-container i18n="@@desk.webhooks.secretRotatedHeading">New signing secret for {{ url() }}</ng-container>
        } @else {
          <ng-container i18n="@@desk.webhooks.secretHeading">Signing secret for {{ url() }}</ng-container>
        }
      </h2>
      <p class="warning" id="secret-warning">
        <strong i18n="@@desk.webhooks.secretOnce">Copy this secret now: it will not be shown again.</strong>&ngsp;
        @if (rotated()) {
          <ng-container i18n="@@desk.webhooks.secretRotatedHint">Deliveries are signed with it from now on, never again with the old one: update your receiver right away.</ng-container>
        } @else {
          <ng-container i18n="@@desk.webhooks.secretHint">Your receiver verifies each delivery's webhook-signature header with it (Standard Webhooks).</ng-container>
        }
      </p>
      <div class="row">
        <label for="secret-value" class="visually-hidden" i18n="@@desk.webhooks.secretLabel">Signing secret</label>
        <input #value id="secret-value" readonly spellcheck="false" autocomplete="off" aria-describedby="secret-warning" [value]="secret()" (focus)="value.select()" />
        <button type="button" class="button button--primary button--sm" (click)="copy()" i18n="@@desk.webhooks.copy">Copy secret</button>
        <button type="button" class="button button--secondary button--sm" (click)="done.emit()" i18n="@@desk.webhooks.secretDone">I have stored it</button>
      </div>
      <p class="copied" role="status">{{ copyStatus() }}</p>
    </section>
  `,
  styles: `
    .secret { margin: 1rem 0; padding: 0.75rem 1rem; border: 2px solid var(--color-warning-text); border-radius: var(--radius); background: var(--color-warning-bg); }
    h2 { font-size: 1.0625rem; margin: 0 0 0.5rem; outline: none; overflow-wrap: anywhere; }
    .warning { margin: 0 0 0.5rem; color: var(--color-warning-text); }
    .row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
    input { flex: 1; min-width: 18rem; font: 0.875rem/1.6 ui-monospace, monospace; padding: 0.375rem 0.5rem; border: 1px solid var(--color-border-strong); border-radius: var(--radius); background: var(--color-surface); }
    .copied { margin: 0.375rem 0 0; font-size: 0.8125rem; min-height: 1.25em; }
  `,
})
export class WebhookSecretComponent {
  readonly url = input.required<string>();
  readonly secret = input.required<string>();
  /** After a rotation rather than at creation: the warning says the old secret no longer signs. */
  readonly rotated = input(false);
  readonly done = output<void>();
  private readonly heading = viewChild.required<ElementRef<HTMLElement>>('heading');
  private readonly value = viewChild.required<ElementRef<HTMLInputElement>>('value');
  protected readonly copyStatus = signal('');

  private readonly injector = inject(Injector);

  constructor() {
    // each new secret (a rotation while one is still shown, too) takes focus
    effect(() => {
      this.secret();
      untracked(() => {
        this.copyStatus.set('');
        afterNextRender(() => this.heading().nativeElement.focus(), { injector: this.injector });
      });
    });
  }

  protected async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.secret());
      this.copyStatus.set($localize`:@@desk.webhooks.copied:Secret copied to the clipboard.`);
    } catch {
      // no clipboard (an insecure page, a refused permission): the secret is selected for the keyboard's copy
      const field = this.value().nativeElement;
      field.focus();
      field.select();
      this.copyStatus.set($localize`:@@desk.webhooks.copyByHand:The browser did not let the page copy: the secret is selected, press Ctrl+C (⌘C on a Mac).`);
    }
  }
}
