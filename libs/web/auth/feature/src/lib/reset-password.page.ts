import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { LIMITS } from '@parley/shared/limits';
import type { AppError } from '@parley/web/shared/data-access';
import { SpinnerComponent } from '@parley/web/shared/ui';
import { AuthFormBase } from './auth-form';
import { AuthLayoutComponent } from './auth-layout.component';

/**
 * Where an emailed reset link lands: `/reset-password#token=…`. The token is
 * in the fragment (never sent to a server); it is read once and taken out of
 * the address bar, so it is not left in the history.
 */
@Component({
  selector: 'parley-reset-password-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, AuthLayoutComponent, SpinnerComponent],
  templateUrl: './reset-password.page.html',
})
export class ResetPasswordPage extends AuthFormBase {
  private readonly router = inject(Router);
  protected readonly limits = LIMITS;
  protected readonly kind = 'reset-password';
  protected readonly labels = { password: $localize`:@@auth.reset.passwordLabel:New password` };
  protected readonly heading = $localize`:@@auth.reset.heading:Choose a new password`;
  protected readonly subheading = $localize`:@@auth.reset.subheading:Once it is set, you are signed in here and signed out everywhere else.`;
  protected readonly token = new URLSearchParams(inject(ActivatedRoute).snapshot.fragment ?? '').get('token') ?? '';
  protected readonly form = new FormGroup({
    password: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.minLength(LIMITS.passwordMin), Validators.maxLength(LIMITS.passwordMax)],
    }),
  });

  constructor() {
    super();
    this.watchEdits();
    if (typeof history !== 'undefined' && location.hash) history.replaceState(history.state, '', location.pathname);
  }

  protected submit(): void {
    if (!this.beginSubmit()) return;
    this.auth.resetPassword(this.token, this.form.getRawValue().password).subscribe({
      next: () => void this.router.navigateByUrl('/chats'),
      error: (e: AppError) => this.fail(e),
    });
  }
}
