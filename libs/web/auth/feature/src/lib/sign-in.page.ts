import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { LIMITS } from '@parley/shared/limits';
import { SessionStore, safeReturnUrl } from '@parley/web/auth/data-access';
import type { AppError } from '@parley/web/shared/data-access';
import { AuthFormComponent } from '@parley/web/shared/ui/auth-form';
import { AuthFormBase } from './auth-form';
import { AuthLayoutComponent } from './auth-layout.component';

@Component({
  selector: 'parley-sign-in-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, AuthLayoutComponent, AuthFormComponent],
  templateUrl: './sign-in.page.html',
})
export class SignInPage extends AuthFormBase {
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly session = inject(SessionStore);
  protected readonly kind = 'sign-in';
  protected readonly labels = { email: $localize`:@@auth.emailLabel:Email`, password: $localize`:@@auth.passwordLabel:Password` };
  protected readonly form = new FormGroup({
    email: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.email, Validators.maxLength(LIMITS.emailMax)] }),
    password: new FormControl('', { nonNullable: true, validators: [Validators.required, Validators.maxLength(LIMITS.passwordMax)] }),
  });
  /** "Forgot password?" only where the server can email a link. */
  protected readonly features = toSignal(this.auth.siteFeatures());
  protected readonly returnUrl = safeReturnUrl(this.route.snapshot.queryParamMap.get('returnUrl'));

  constructor() {
    super();
    this.watchEdits();
  }

  protected submit(): void {
    if (!this.beginSubmit()) return;
    const { email, password } = this.form.getRawValue();
    this.auth.login({ email: email.trim(), password }).subscribe({
      next: () => void this.router.navigateByUrl(this.returnUrl),
      error: (e: AppError) => this.fail(e),
    });
  }
}
