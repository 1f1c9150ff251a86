import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { LIMITS } from '@parley/shared/limits';
import { AuthService, SessionStore, safeReturnUrl } from '@parley/web/auth/data-access';
import { describeError, type AppError } from '@parley/web/shared/data-access';
import { LogoComponent, SpinnerComponent } from '@parley/web/shared/ui';

/** Sign-in for agents and admins; a customer account is told the desk is for the team, and not kept signed in. */
@Component({
  selector: 'parley-desk-sign-in',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, SpinnerComponent, LogoComponent],
  template: `
    <main id="main" class="sign-in" tabindex="-1">
      <div class="card">
        <parley-logo />
        <h1 i18n="@@desk.signIn.heading">Parley desk</h1>
        <p class="muted" i18n="@@desk.signIn.sub">Sign in with your team account.</p>
        @if (teamOnly()) {
          <div class="notice" role="alert" i18n="@@desk.signIn.teamOnly">
            The desk is for the support team. Customers can talk to us on the main site.
          </div>
        } @else if (session.endReason()) {
          <div class="notice" role="status" i18n="@@desk.signIn.ended">Your session has ended. Sign in again; your drafts are kept.</div>
        }
        <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
          @if (error(); as message) {
            <div class="form-error" role="alert">{{ message }}</div>
          }
          <div class="field">
            <label for="desk-email" i18n="@@desk.signIn.email">Email</label>
            <input id="desk-email" type="email" formControlName="email" autocomplete="username" spellcheck="false" autofocus />
          </div>
          <div class="field">
            <label for="desk-password" i18n="@@desk.signIn.password">Password</label>
            <input id="desk-password" type="password" formControlName="password" autocomplete="current-password" />
          </div>
          <button type="submit" class="button button--primary button--block" [disabled]="submitting()">
            @if (submitting()) {
              <parley-spinner label="Signing in" i18n-label="@@desk.signIn.signingIn" />
            }
            <ng-container i18n="@@desk.signIn.submit">Sign in</ng-container>
          </button>
        </form>
        @if (features()?.email) {
          <p class="forgot"><a routerLink="/forgot-password" i18n="@@desk.signIn.forgot">Forgot password?</a></p>
        }
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
    .notice, .form-error { padding: 0.75rem; border-radius: var(--radius); margin-bottom: 1rem; background: var(--color-warning-bg); color: var(--color-warning-text); }
    .form-error { background: var(--color-danger-soft); color: var(--color-danger); }
    .forgot { margin: 1rem 0 0; text-align: center; }
  `,
})
export class DeskSignInPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly session = inject(SessionStore);
  /** "Forgot password?" only where the server sends email. */
  protected readonly features = toSignal(this.auth.siteFeatures());
  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly teamOnly = signal(this.route.snapshot.queryParamMap.get('team') === 'only');
  protected readonly form = new FormGroup({
    email: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.email, Validators.maxLength(LIMITS.emailMax)] }),
    password: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(LIMITS.passwordMax)] }),
  });
  private readonly returnUrl = safeReturnUrl(this.route.snapshot.queryParamMap.get('returnUrl'), '/queue');

  protected submit(): void {
    if (this.submitting()) return;
    if (this.form.invalid) {
      this.error.set($localize`:@@desk.signIn.invalid:Enter your email and password.`);
      return;
    }
    this.submitting.set(true);
    this.error.set(null);
    const { email, password } = this.form.getRawValue();
    this.auth.login({ email: email.trim(), password }).subscribe({
      next: (user) => {
        this.submitting.set(false);
        if (user.role === 'CUSTOMER') {
          // a customer's session has no use here: end it at once
          void this.auth.signOut();
          this.teamOnly.set(true);
          return;
        }
        this.teamOnly.set(false);
        void this.router.navigateByUrl(this.returnUrl);
      },
      error: (e: AppError) => {
        this.submitting.set(false);
        this.error.set(
          e.code === 'UNAUTHENTICATED' ? $localize`:@@desk.signIn.wrong:That email and password don't match an account.` : describeError(e),
        );
      },
    });
  }
}
