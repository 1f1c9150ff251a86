import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { LIMITS } from '@parley/shared/limits';
import { SessionStore, safeReturnUrl } from '@parley/web/auth/data-access';
import { describeError } from '@parley/web/shared/data-access';
import { AuthFormComponent } from '@parley/web/shared/ui/auth-form';
import { DeskAuthCardComponent, DeskAuthPage } from './desk-auth-card.component';

/** Sign-in for agents and admins; a customer account is told the desk is for the team, and not kept signed in. */
@Component({
  selector: 'parley-desk-sign-in',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, DeskAuthCardComponent, AuthFormComponent],
  template: `
    <parley-desk-auth-card heading="Parley desk" i18n-heading="@@desk.signIn.heading" sub="Sign in with your team account." i18n-sub="@@desk.signIn.sub">
      @if (teamOnly()) {
        <div class="notice" role="alert" i18n="@@desk.signIn.teamOnly">
          The desk is for the support team. Customers can talk to us on the main site.
        </div>
      } @else if (session.endReason()) {
        <div class="notice" role="status" i18n="@@desk.signIn.ended">Your session has ended. Sign in again; your drafts are kept.</div>
      }
      <parley-auth-form [form]="form" [error]="error()" [submitting]="submitting()" submitLabel="Sign in" i18n-submitLabel="@@desk.signIn.submit" busyLabel="Signing in" i18n-busyLabel="@@desk.signIn.signingIn" (send)="submit()">
        <div class="field">
          <label for="desk-email" i18n="@@desk.signIn.email">Email</label>
          <input id="desk-email" type="email" [formControl]="form.controls.email" autocomplete="username" spellcheck="false" autofocus />
        </div>
        <div class="field">
          <label for="desk-password" i18n="@@desk.signIn.password">Password</label>
          <input id="desk-password" type="password" [formControl]="form.controls.password" autocomplete="current-password" />
        </div>
      </parley-auth-form>
      @if (features()?.email) {
        <p class="desk-auth__link"><a routerLink="/forgot-password" i18n="@@desk.signIn.forgot">Forgot password?</a></p>
      }
    </parley-desk-auth-card>
  `,
})
export class DeskSignInPage extends DeskAuthPage {
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly session = inject(SessionStore);
  protected readonly teamOnly = signal(this.route.snapshot.queryParamMap.get('team') === 'only');
  protected readonly form = new FormGroup({
    email: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.email, Validators.maxLength(LIMITS.emailMax)] }),
    password: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(LIMITS.passwordMax)] }),
  });
  private readonly returnUrl = safeReturnUrl(this.route.snapshot.queryParamMap.get('returnUrl'), '/queue');

  protected submit(): void {
    const { email, password } = this.form.getRawValue();
    this.request(
      $localize`:@@desk.signIn.invalid:Enter your email and password.`,
      () => this.auth.login({ email: email.trim(), password }),
      (user) => {
        if (user.role === 'CUSTOMER') {
          // a customer's session has no use here: end it at once
          void this.auth.signOut();
          this.teamOnly.set(true);
          return;
        }
        this.teamOnly.set(false);
        void this.router.navigateByUrl(this.returnUrl);
      },
      (e) => (e.code === 'UNAUTHENTICATED' ? $localize`:@@desk.signIn.wrong:That email and password don't match an account.` : describeError(e)),
    );
  }
}
