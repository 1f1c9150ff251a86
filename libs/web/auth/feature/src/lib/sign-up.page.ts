import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { LIMITS } from '@parley/shared/limits';
import { EMAIL_TAKEN, safeReturnUrl } from '@parley/web/auth/data-access';
import type { AppError } from '@parley/web/shared/data-access';
import { AuthFormComponent } from '@parley/web/shared/ui/auth-form';
import { AuthFormBase } from './auth-form';
import { AuthLayoutComponent } from './auth-layout.component';
import { notBlank } from './field-errors';

@Component({
  selector: 'parley-sign-up-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, AuthLayoutComponent, AuthFormComponent],
  templateUrl: './sign-up.page.html',
})
export class SignUpPage extends AuthFormBase {
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly limits = LIMITS;
  protected readonly kind = 'sign-up';
  protected readonly labels = {
    displayName: $localize`:@@auth.field.name:Name`,
    email: $localize`:@@auth.emailLabel:Email`,
    password: $localize`:@@auth.passwordLabel:Password`,
  };
  protected readonly emailTaken = EMAIL_TAKEN();
  protected readonly form = new FormGroup({
    displayName: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, notBlank, Validators.maxLength(LIMITS.displayNameMax)],
    }),
    email: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.email, Validators.maxLength(LIMITS.emailMax)] }),
    password: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.minLength(LIMITS.passwordMin), Validators.maxLength(LIMITS.passwordMax)],
    }),
  });
  protected readonly returnUrl = safeReturnUrl(this.route.snapshot.queryParamMap.get('returnUrl'));

  constructor() {
    super();
    this.watchEdits();
  }

  protected submit(): void {
    if (!this.beginSubmit()) return;
    const { displayName, email, password } = this.form.getRawValue();
    this.auth.register({ displayName: displayName.trim(), email: email.trim(), password }).subscribe({
      next: () => void this.router.navigateByUrl(this.returnUrl === '/chats' ? '/chats/new' : this.returnUrl),
      error: (e: AppError) => this.fail(e),
    });
  }
}
