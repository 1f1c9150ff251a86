import { describeError, type AppError } from '@parley/web/shared/data-access';

export type AuthForm = 'sign-in' | 'sign-up' | 'forgot-password' | 'reset-password';

export interface AuthFormErrors {
  /** A message for the whole form, or null. */
  form: string | null;
  /** Messages to show next to fields (email, password, displayName). */
  fields: Record<string, string>;
}

/** The sign-up form's answer to an address in use (the page offers "Sign in" beside it). */
export const EMAIL_TAKEN = () => $localize`:@@auth.error.emailTaken:An account with this email already exists. Sign in instead?`;

/** What a customer reads for each contract error on the sign-in and sign-up forms. */
export function authFormErrors(error: AppError, form: AuthForm): AuthFormErrors {
  switch (error.code) {
    case 'UNAUTHENTICATED':
      // the contract never says which of the two was wrong, and neither do we
      return { form: $localize`:@@auth.error.credentials:That email and password don't match an account. Check them and try again.`, fields: {} };
    case 'CONFLICT':
      return form === 'sign-up'
        ? { form: null, fields: { email: EMAIL_TAKEN() } }
        : { form: describeError(error), fields: {} };
    case 'BAD_USER_INPUT': {
      const { token, ...fields } = error.fields ?? {};
      // A reset link's token is no field the customer can correct.
      if (token && form === 'reset-password') return { form: $localize`:@@auth.reset.badLink:This link cannot be used any more: it was used already or it is more than an hour old. Ask for a new one.`, fields };
      return { form: Object.keys(fields).length ? null : describeError(error), fields };
    }
    default:
      return { form: describeError(error), fields: {} };
  }
}
