import { ChangeDetectionStrategy, Component, ElementRef, effect, signal, viewChild } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { LIMITS } from '@parley/shared/limits';
import type { AppError } from '@parley/web/shared/data-access';
import { AuthFormComponent } from '@parley/web/shared/ui/auth-form';
import { AuthFormBase } from './auth-form';
import { AuthLayoutComponent } from './auth-layout.component';

/** Asks for a password reset link. The answer is the same whether or not the address has an account. */
@Component({
  selector: 'parley-forgot-password-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, AuthLayoutComponent, AuthFormComponent],
  templateUrl: './forgot-password.page.html',
})
export class ForgotPasswordPage extends AuthFormBase {
  protected readonly kind = 'forgot-password';
  protected readonly labels = { email: $localize`:@@auth.forgot.emailLabel:Email` };
  protected readonly heading = $localize`:@@auth.forgot.heading:Forgot your password?`;
  protected readonly subheading = $localize`:@@auth.forgot.subheading:We will email you a link to choose a new one.`;
  protected readonly features = toSignal(this.auth.siteFeatures());
  /** The address the link was asked for, once the server has answered. */
  protected readonly sentTo = signal<string | null>(null);
  protected readonly form = new FormGroup({
    email: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.email, Validators.maxLength(LIMITS.emailMax)] }),
  });

  private readonly sentNotice = viewChild<ElementRef<HTMLElement>>('sentNotice');

  constructor() {
    super();
    this.watchEdits();
    // The form (and its focused button) gives way to the notice: focus goes to it, not to the page's start.
    effect(() => this.sentNotice()?.nativeElement.focus());
  }

  protected submit(): void {
    if (!this.beginSubmit()) return;
    const email = this.form.getRawValue().email.trim();
    this.auth.requestPasswordReset(email).subscribe({
      next: () => {
        this.submitting.set(false);
        this.sentTo.set(email);
      },
      error: (e: AppError) => this.fail(e),
    });
  }
}
