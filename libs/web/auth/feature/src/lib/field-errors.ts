import type { AbstractControl } from '@angular/forms';

/** The message for a control's first failed validator, in words a customer understands. */
export function validationMessage(control: AbstractControl, label: string): string | null {
  const e = control.errors;
  if (!e) return null;
  const field = label.toLowerCase();
  if (e['required'] || e['blank']) return $localize`:@@auth.field.required:Enter your ${field}:field:.`;
  if (e['email']) return $localize`:@@auth.field.email:Enter an email address like name@example.com.`;
  if (e['minlength']) return $localize`:@@auth.field.min:${label}:field: must be at least ${(e['minlength'] as { requiredLength: number }).requiredLength}:count: characters.`;
  if (e['maxlength']) return $localize`:@@auth.field.max:${label}:field: can be at most ${(e['maxlength'] as { requiredLength: number }).requiredLength}:count: characters.`;
  return $localize`:@@auth.field.check:Check your ${field}:field:.`;
}

/** Required, and not only spaces. */
export function notBlank(control: AbstractControl): { blank: true } | null {
  return typeof control.value === 'string' && control.value.length > 0 && control.value.trim() === '' ? { blank: true } : null;
}
