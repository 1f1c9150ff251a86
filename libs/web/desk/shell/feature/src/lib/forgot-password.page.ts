import { ChangeDetectionStrategy, Component, ElementRef, effect, signal, viewChild } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { LIMITS } from '@parley/shared/limits';
import { AuthFormComponent } from '@parley/web/shared/ui/auth-form';
import { DeskAuthCardComponent, DeskAuthPage } from './desk-auth-card.component';

/**
 * "Forgot password?" for the team: asks the server for the site's reset link
 * (requestPasswordReset; the email leads to the site's reset page). The answer
 * is the same whether or not the address has an account.
 */
@Component({
  selector: 'parley-desk-forgot-password',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, DeskAuthCardComponent, AuthFormComponent],
  template: `
    <parley-desk-auth-card heading="Forgot your password?" i18n-heading="@@desk.forgot.heading" sub="We will email you a link to choose a new one." i18n-sub="@@desk.forgot.sub">
      @if (features(); as features) {
        @if (!features.email) {
          <p class="notice" role="status" i18n="@@desk.forgot.unavailable">This server cannot send email, so passwords cannot be reset here. Ask an admin for help.</p>
        } @else if (sentTo(); as address) {
          <div #sentNotice class="notice" role="status" tabindex="-1" i18n="@@desk.forgot.sent">
            If an account uses {{ address }}, a link to choose a new password is on its way. It works once, for one hour.
          </div>
        } @else {
          <parley-auth-form [form]="form" [error]="error()" [submitting]="submitting()" submitLabel="Email me a link" i18n-submitLabel="@@desk.forgot.submit" busyLabel="Sending" i18n-busyLabel="@@desk.forgot.sending" (send)="submit()">
            <div class="field">
              <label for="desk-forgot-email" i18n="@@desk.signIn.email">Email</label>
              <input id="desk-forgot-email" type="email" [formControl]="form.controls.email" autocomplete="username" spellcheck="false" autofocus />
            </div>
          </parley-auth-form>
        }
      }
      <p class="desk-auth__link"><a routerLink="/sign-in" i18n="@@desk.forgot.back">Back to sign in</a></p>
    </parley-desk-auth-card>
  `,
})
export class DeskForgotPasswordPage extends DeskAuthPage {
  protected readonly sentTo = signal<string | null>(null);
  protected readonly form = new FormGroup({
    email: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.email, Validators.maxLength(LIMITS.emailMax)] }),
  });
  private readonly sentNotice = viewChild<ElementRef<HTMLElement>>('sentNotice');

  constructor() {
    super();
    // the form (and its focused button) gives way to the notice: focus goes to it
    effect(() => this.sentNotice()?.nativeElement.focus());
  }

  protected submit(): void {
    const email = this.form.getRawValue().email.trim();
    this.request(
      $localize`:@@desk.forgot.invalid:Enter the email address of your team account.`,
      () => this.auth.requestPasswordReset(email),
      () => this.sentTo.set(email),
    );
  }
}
