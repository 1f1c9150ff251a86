import { AppError, badUserInput } from '@parley/api/core';

/** Why an upload was refused, in `extensions.reason` beside the contract's code, so a client can say it plainly. */
export type UploadRefusal = 'TOO_LARGE' | 'TYPE_REFUSED' | 'QUOTA_EXCEEDED' | 'NO_FILE';

const refusal = (reason: UploadRefusal, field: string, message: string, extra: Record<string, unknown> = {}) => {
  const error = badUserInput([{ field, message }], message);
  Object.assign(error.extensions, { reason, ...extra });
  return error;
};

export const tooLarge = (maxBytes: number) =>
  refusal('TOO_LARGE', 'file', `The file is larger than ${formatBytes(maxBytes)}, the most one upload may be.`, { maxBytes });
export const refusedType = (why: string) => refusal('TYPE_REFUSED', 'file', `This kind of file is not accepted: ${why}.`);
export const noFile = () => refusal('NO_FILE', 'file', 'Send one file, as the multipart/form-data part named "file".');
export const notSendable = () =>
  badUserInput([{ field: 'attachmentIds', message: 'names an upload that is not yours, was already sent or has expired' }]);
export const badAttachmentIds = () => badUserInput([{ field: 'attachmentIds', message: 'must be ids of uploads' }]);

/** Over the customer's bytes for the day: retry once older uploads leave the window. */
export const quotaExceeded = (retryAfterSeconds: number, quotaBytes: number) =>
  new AppError('RATE_LIMITED', `You have sent ${formatBytes(quotaBytes)} of files today, the most allowed; retry in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
    reason: 'QUOTA_EXCEEDED' satisfies UploadRefusal,
    quotaBytes,
  });

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** The HTTP status that goes with an error on the upload and download routes. */
export function httpStatusOf(error: AppError): number {
  const reason = error.extensions['reason'];
  if (reason === 'TOO_LARGE') return 413;
  if (reason === 'TYPE_REFUSED') return 415;
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'RATE_LIMITED':
      return 429;
    case 'BAD_USER_INPUT':
      return 400;
    default:
      return 500;
  }
}
