import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, throwError } from 'rxjs';
import { toAppError } from '@parley/web/shared/data-access';
import { EmailTranscriptGQL } from '../generated/graphql';

/** Emails a chat's transcript to its customer. Errors arrive as AppError. */
@Injectable({ providedIn: 'root' })
export class TranscriptService {
  private readonly emailGql = inject(EmailTranscriptGQL);

  /** True once the server has queued the email (false: this server sends no email). */
  email(chatId: string): Observable<boolean> {
    return this.emailGql.mutate({ variables: { chatId } }).pipe(
      map((result) => result.data?.emailTranscript === true),
      catchError((error: unknown) => throwError(() => toAppError(error))),
    );
  }
}
