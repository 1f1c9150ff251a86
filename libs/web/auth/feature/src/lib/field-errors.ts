import type { AbstractControl } from '@angular/forms';

/** The message for a control's first failed validator, in words a customer understands. */
export function validationMessage(control: AbstractControl, label: string): string | null {
  const e = control.errors;
  if (!e) return null;
  if (e['required']) return `Enter your ${label.toLowerCase()}.`;
  if (e['email']) return 'Enter an email address like name@example.com.';
  if (e['minlength']) return `${label} must be at least ${(e['minlength'] as { requiredLength: number }).requiredLength} characters.`;
  if (e['maxlength']) return `${label} can be at most ${(e['maxlength'] as { requiredLength: number }).requiredLength} characters.`;
  if (e['blank']) return `Enter your ${label.toLowerCase()}.`;
  return `Check your ${label.toLowerCase()}.`;
}

/** Required, and not only spaces. */
export function notBlank(control: AbstractControl): { blank: true } | null {
  return typeof control.value === 'string' && control.value.length > 0 && control.value.trim() === '' ? { blank: true } : null;
}
