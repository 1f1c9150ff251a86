import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, throwError } from 'rxjs';
import { SESSION_ACCESS, toAppError, type AppError } from '@parley/web/shared/data-access';
import { EmailTranscriptGQL } from '../generated/graphql';

/** A chat's transcript: emailed to its customer, or saved as a text file (GET /transcripts/:chatId). Errors arrive as AppError. */
@Injectable({ providedIn: 'root' })
export class TranscriptService {
  private readonly emailGql = inject(EmailTranscriptGQL);
  private readonly session = inject(SESSION_ACCESS);

  /** True once the server has queued the email (false: this server sends no email). */
  email(chatId: string): Observable<boolean> {
    return this.emailGql.mutate({ variables: { chatId } }).pipe(
      map((result) => result.data?.emailTranscript === true),
      catchError((error: unknown) => throwError(() => toAppError(error))),
    );
  }

  /** Reads the transcript with the session's token and saves it under the server's file name. */
  async download(chatId: string): Promise<void> {
    let res: Response;
    try {
      const token = await this.session.accessToken();
      res = await fetch(`/transcripts/${encodeURIComponent(chatId)}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    } catch (error) {
      throw toAppError(error);
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
      const first = body.errors?.[0];
      throw {
        code: (first?.extensions?.code ?? (res.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'NETWORK')) as AppError['code'],
        message: first?.message ?? `GET transcript: ${res.status}`,
        fields: {},
        retryAfterSeconds: null,
      } satisfies AppError;
    }
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'transcript.txt';
    const url = URL.createObjectURL(await res.blob());
    try {
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.rel = 'noopener';
      document.body.appendChild(link);
      link.click();
      link.remove();
    } finally {
      // the click has taken the file; the URL is not needed any longer
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }
  }
}
