import { ChangeDetectionStrategy, Component, Directive, ViewEncapsulation, inject, input, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import type { FormGroup } from '@angular/forms';
import type { Observable } from 'rxjs';
import { AuthService } from '@parley/web/auth/data-access';
import { describeError, type AppError } from '@parley/web/shared/data-access';
import { LanguagePickerComponent, LogoComponent } from '@parley/web/shared/ui';

/**
 * The frame of the desk's signed-out pages (sign in, forgot password): the
 * logo and the language menu, a heading and a line under it, then the page's
 * notices, form and links.
 */
@Component({
  selector: 'parley-desk-auth-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  // unencapsulated, so its rules (all under .desk-auth) reach the fields and notices the pages put in it
  encapsulation: ViewEncapsulation.None,
  imports: [LanguagePickerComponent, LogoComponent],
  template: `
    <main id="main" class="desk-auth" tabindex="-1">
      <div class="desk-auth__card">
        <div class="desk-auth__top"><parley-logo /><parley-language-picker /></div>
        <h1>{{ heading() }}</h1>
        <p class="desk-auth__sub">{{ sub() }}</p>
        <ng-content />
      </div>
    </main>
  `,
  styles: `
    .desk-auth { min-height: 100dvh; display: grid; place-items: center; padding: 1rem; outline: none; }
    .desk-auth__card { width: min(26rem, 100%); background: var(--color-surface); border: 1px solid var(--color-border); border-radius: var(--radius); padding: 2rem; box-shadow: var(--shadow-sm); }
    .desk-auth__top { display: flex; justify-content: space-between; align-items: center; gap: 1rem; }
    .desk-auth h1 { margin: 1rem 0 0.25rem; font-size: 1.5rem; }
    .desk-auth__sub { color: var(--color-muted); margin: 0 0 1rem; }
    .desk-auth .field { display: grid; gap: 0.25rem; margin-bottom: 1rem; }
    .desk-auth .field input { padding: 0.625rem 0.75rem; border: 1px solid var(--color-border-strong); border-radius: var(--radius); }
    .desk-auth .notice, .desk-auth .form-error { padding: 0.75rem; border-radius: var(--radius); margin-bottom: 1rem; background: var(--color-warning-bg); color: var(--color-warning-text); outline: none; }
    .desk-auth .form-error { background: var(--color-danger-soft); color: var(--color-danger); }
    .desk-auth__link { margin: 1rem 0 0; text-align: center; }
  `,
})
export class DeskAuthCardComponent {
  readonly heading = input.required<string>();
  readonly sub = input.required<string>();
}

/** What the signed-out pages share: whether the server sends email, and one request at a time with its error on screen. */
@Directive()
export abstract class DeskAuthPage {
  protected readonly auth = inject(AuthService);
  /** "Forgot password?" works only where the server sends email. */
  protected readonly features = toSignal(this.auth.siteFeatures());
  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);
  protected abstract readonly form: FormGroup;

  /**
   * Sends the form's request unless one is under way: while the form is
   * invalid it says `invalid` instead; an error is said as `describe` puts it.
   */
  protected request<T>(invalid: string, send: () => Observable<T>, done: (answer: T) => void, describe: (e: AppError) => string = describeError): void {
    if (this.submitting()) return;
    if (this.form.invalid) {
      this.error.set(invalid);
      return;
    }
    this.submitting.set(true);
    this.error.set(null);
    send().subscribe({
      next: (answer) => {
        this.submitting.set(false);
        done(answer);
      },
      error: (e: AppError) => {
        this.submitting.set(false);
        this.error.set(describe(e));
      },
    });
  }
}
