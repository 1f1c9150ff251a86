import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** A small busy indicator with a text alternative. */
@Component({
  selector: 'parley-spinner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="spinner" aria-hidden="true"></span><span class="visually-hidden">{{ label() }}</span>`,
  styles: `
    :host { display: inline-flex; align-items: center; }
    .spinner { width: 1.125rem; height: 1.125rem; border-radius: 50%; border: 2px solid currentColor; border-inline-end-color: transparent; animation: spin 0.8s linear infinite; }
    @media (prefers-reduced-motion: reduce) { .spinner { animation-duration: 2.4s; } }
    @keyframes spin { to { transform: rotate(360deg); } }
  `,
})
export class SpinnerComponent {
  readonly label = input($localize`:@@spinner.loading:Loading`);
}
