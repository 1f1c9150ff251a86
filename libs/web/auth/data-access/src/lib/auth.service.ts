import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, tap, throwError } from 'rxjs';
import { RealtimeConnection, toAppError } from '@parley/web/shared/data-access';
import { LoginGQL, MeGQL, RegisterGQL, type LoginInput, type RegisterInput, type SessionUserFragment } from '../generated/graphql';
import { SessionStore } from './session.store';

/** Signs customers up, in and out. Errors arrive as AppError (see toAppError). */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly session = inject(SessionStore);
  private readonly realtime = inject(RealtimeConnection);
  private readonly registerGql = inject(RegisterGQL);
  private readonly loginGql = inject(LoginGQL);
  private readonly meGql = inject(MeGQL);

  register(input: RegisterInput): Observable<SessionUserFragment> {
    return this.registerGql.mutate({ variables: { input } }).pipe(
      map((result) => required(result.data?.register)),
      tap((payload) => this.begin(payload)),
      map((payload) => payload.user),
      catchError((error: unknown) => throwError(() => toAppError(error))),
    );
  }

  login(input: LoginInput): Observable<SessionUserFragment> {
    return this.loginGql.mutate({ variables: { input } }).pipe(
      map((result) => required(result.data?.login)),
      tap((payload) => this.begin(payload)),
      map((payload) => payload.user),
      catchError((error: unknown) => throwError(() => toAppError(error))),
    );
  }

  /** Re-reads the signed-in user; a token the server no longer accepts ends the session. */
  refreshUser(): Observable<SessionUserFragment | null> {
    return this.meGql.fetch().pipe(
      map((result) => result.data?.me ?? null),
      tap((me) => {
        if (me) this.session.updateUser(me);
        else if (this.session.hasToken()) this.session.sessionRejected();
      }),
      catchError((error: unknown) => throwError(() => toAppError(error))),
    );
  }

  /**
   * Forgets the token and drafts and closes the socket. (A server-side
   * `logout` mutation, when the API has one, would be called here first.)
   */
  signOut(): void {
    this.session.clear();
    this.realtime.reset();
  }

  private begin(payload: Parameters<SessionStore['start']>[0]): void {
    // a socket opened under another identity must not be reused
    this.realtime.reset();
    this.session.start(payload);
  }
}

function required<T>(value: T | null | undefined): T {
  if (value == null) throw new Error('The server returned no data');
  return value;
}
