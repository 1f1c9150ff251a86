import { ElementRef, Directive, inject, signal } from '@angular/core';
import type { FormGroup } from '@angular/forms';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { AuthService, authFormErrors, type AuthForm } from '@parley/web/auth/data-access';
import type { AppError } from '@parley/web/shared/data-access';
import { validationMessage } from './field-errors';

/** What the signed-out pages' forms share: the auth service, and client and server errors shown next to fields. */
@Directive()
export abstract class AuthFormBase {
  protected abstract readonly form: FormGroup;
  protected abstract readonly kind: AuthForm;
  protected abstract readonly labels: Record<string, string>;

  protected readonly auth = inject(AuthService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly submitting = signal(false);
  protected readonly submitted = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly serverErrors = signal<Record<string, string>>({});

  /** Call from the constructor: editing a field clears the server's complaint about it. */
  protected watchEdits(): void {
    for (const [name, control] of Object.entries(this.form.controls)) {
      control.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => {
        if (this.serverErrors()[name]) {
          const { [name]: _cleared, ...rest } = this.serverErrors();
          this.serverErrors.set(rest);
        }
      });
    }
  }

  protected fieldError(name: string): string | null {
    const server = this.serverErrors()[name];
    if (server) return server;
    const control = this.form.controls[name];
    if (!control || !(control.touched || this.submitted())) return null;
    return validationMessage(control, this.labels[name] ?? name);
  }

  /** Returns false (and moves focus to the first problem) when the form cannot be sent. */
  protected beginSubmit(): boolean {
    this.submitted.set(true);
    this.formError.set(null);
    this.form.markAllAsTouched();
    if (this.form.invalid) {
      this.focusFirstError();
      return false;
    }
    this.submitting.set(true);
    return true;
  }

  protected fail(error: AppError): void {
    this.submitting.set(false);
    const mapped = authFormErrors(error, this.kind);
    this.serverErrors.set(mapped.fields);
    this.formError.set(mapped.form);
    this.focusFirstError();
  }

  private focusFirstError(): void {
    queueMicrotask(() => {
      const root = this.host.nativeElement;
      const target =
        root.querySelector<HTMLElement>('[aria-invalid="true"]') ?? root.querySelector<HTMLElement>('.form-error');
      target?.focus();
    });
  }
}
