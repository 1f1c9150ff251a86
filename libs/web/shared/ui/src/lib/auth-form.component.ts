import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { type FormGroup, ReactiveFormsModule } from '@angular/forms';
import { SpinnerComponent } from './spinner.component';

/**
 * The form of a signed-out page (the site's and the desk's sign-in, sign-up,
 * forgot password): what went wrong (focusable, so that a page can move focus
 * to it), the page's fields (bound with [formControl]: they are the page's
 * content, outside this form's injector), and the submit button with its
 * spinner while the request runs.
 */
@Component({
  selector: 'parley-auth-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, SpinnerComponent],
  template: `
    <form [formGroup]="form()" (ngSubmit)="send.emit()" novalidate>
      @if (error(); as message) {
        <div class="form-error" role="alert" tabindex="-1">{{ message }}</div>
      }
      <ng-content />
      <button type="submit" class="button button--primary button--block" [disabled]="submitting()">
        @if (submitting()) {
          <parley-spinner [label]="busyLabel()" />
        }
        {{ submitLabel() }}
      </button>
    </form>
  `,
})
export class AuthFormComponent {
  readonly form = input.required<FormGroup>();
  readonly error = input<string | null>(null);
  readonly submitting = input(false);
  readonly submitLabel = input.required<string>();
  /** The spinner's name while the request runs ("Signing in"). */
  readonly busyLabel = input.required<string>();
  readonly send = output<void>();
}
