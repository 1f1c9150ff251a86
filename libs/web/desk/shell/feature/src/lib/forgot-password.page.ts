import { ChangeDetectionStrategy, Component, ElementRef, effect, inject, signal, viewChild } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { LIMITS } from '@parley/shared/limits';
import { AuthService } from '@parley/web/auth/data-access';
import { describeError, type AppError } from '@parley/web/shared/data-access';
import { LogoComponent, SpinnerComponent } from '@parley/web/shared/ui';

/**
 * "Forgot password?" for the team: asks the server for the site's reset link
 * (requestPasswordReset; the email leads to the site's reset page). The answer
 * is the same whether or not the address has an account.
 */
@Component({
  selector: 'parley-desk-forgot-password',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, SpinnerComponent, LogoComponent],
  template: `
    <main id="main" class="sign-in" tabindex="-1">
      <div class="card">
        <parley-logo />
        <h1 i18n="@@desk.forgot.heading">Forgot your password?</h1>
        <p class="muted" i18n="@@desk.forgot.sub">We will email you a link to choose a new one.</p>
        @if (features(); as features) {
          @if (!features.email) {
            <p class="notice" role="status" i18n="@@desk.forgot.unavailable">This server cannot send email, so passwords cannot be reset here. Ask an admin for help.</p>
          } @else if (sentTo(); as address) {
            <div #sentNotice class="notice" role="status" tabindex="-1" i18n="@@desk.forgot.sent">
              If an account uses {{ address }}, a link to choose a new password is on its way. It works once, for one hour.
            </div>
          } @else {
            <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
              @if (error(); as message) {
                <div class="form-error" role="alert">{{ message }}</div>
              }
              <div class="field">
                <label for="desk-forgot-email" i18n="@@desk.signIn.email">Email</label>
                <input id="desk-forgot-email" type="email" formControlName="email" autocomplete="username" spellcheck="false" autofocus />
              </div>
              <button type="submit" class="button button--primary button--block" [disabled]="submitting()">
                @if (submitting()) {
                  <parley-spinner label="Sending" i18n-label="@@desk.forgot.sending" />
                }
                <ng-container i18n="@@desk.forgot.submit">Email me a link</ng-container>
              </button>
            </form>
          }
        }
        <p class="back"><a routerLink="/sign-in" i18n="@@desk.forgot.back">Back to sign in</a></p>
      </div>
    </main>
  `,
  styles: `
    .sign-in { min-height: 100dvh; display: grid; place-items: center; padding: 1rem; outline: none; }
    .card { width: min(26rem, 100%); background: var(--color-surface); border: 1px solid var(--color-border); border-radius: var(--radius); padding: 2rem; box-shadow: var(--shadow-sm); }
    h1 { margin: 1rem 0 0.25rem; font-size: 1.5rem; }
    .muted { color: var(--color-muted); margin: 0 0 1rem; }
    .field { display: grid; gap: 0.25rem; margin-bottom: 1rem; }
    .field input { padding: 0.625rem 0.75rem; border: 1px solid var(--color-border-strong); border-radius: var(--radius); }
    .notice, .form-error { padding: 0.75rem; border-radius: var(--radius); margin-bottom: 1rem; background: var(--color-warning-bg); color: var(--color-warning-text); outline: none; }
    .form-error { background: var(--color-danger-soft); color: var(--color-danger); }
    .back { margin: 1rem 0 0; text-align: center; }
  `,
})
export class DeskForgotPasswordPage {
  private readonly auth = inject(AuthService);
  protected readonly features = toSignal(this.auth.siteFeatures());
  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly sentTo = signal<string | null>(null);
  protected readonly form = new FormGroup({
    email: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.email, Validators.maxLength(LIMITS.emailMax)] }),
  });
  private readonly sentNotice = viewChild<ElementRef<HTMLElement>>('sentNotice');

  constructor() {
    // the form (and its focused button) gives way to the notice: focus goes to it
    effect(() => this.sentNotice()?.nativeElement.focus());
  }

  protected submit(): void {
    if (this.submitting()) return;
    if (this.form.invalid) {
      this.error.set($localize`:@@desk.forgot.invalid:Enter the email address of your team account.`);
      return;
    }
    this.submitting.set(true);
    this.error.set(null);
    const email = this.form.getRawValue().email.trim();
    this.auth.requestPasswordReset(email).subscribe({
      next: () => {
        this.submitting.set(false);
        this.sentTo.set(email);
      },
      error: (e: AppError) => {
        this.submitting.set(false);
        this.error.set(describeError(e));
      },
    });
  }
}
