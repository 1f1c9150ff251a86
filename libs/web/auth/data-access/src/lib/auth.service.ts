import { Injectable, inject } from '@angular/core';
import { Observable, catchError, firstValueFrom, map, of, shareReplay, tap, throwError } from 'rxjs';
import { RealtimeConnection, toAppError } from '@parley/web/shared/data-access';
import {
  LoginGQL,
  LogoutGQL,
  MeGQL,
  RegisterGQL,
  RequestPasswordResetGQL,
  ResetPasswordGQL,
  SiteFeaturesGQL,
  type LoginInput,
  type RegisterInput,
  type SessionUserFragment,
} from '../generated/graphql';
import { SessionStore } from './session.store';

/** Signs customers up, in and out. Errors arrive as AppError (see toAppError). */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly session = inject(SessionStore);
  private readonly realtime = inject(RealtimeConnection);
  private readonly registerGql = inject(RegisterGQL);
  private readonly loginGql = inject(LoginGQL);
  private readonly meGql = inject(MeGQL);
  private readonly logoutGql = inject(LogoutGQL);
  private readonly requestResetGql = inject(RequestPasswordResetGQL);
  private readonly resetGql = inject(ResetPasswordGQL);
  private readonly featuresGql = inject(SiteFeaturesGQL);
  private features$: Observable<{ email: boolean }> | undefined;

  /** What this server offers (email: password reset links, transcripts); read once per page load. Off when it cannot be read. */
  siteFeatures(): Observable<{ email: boolean }> {
    return (this.features$ ??= this.featuresGql.fetch().pipe(
      map((result) => ({ email: result.data?.siteFeatures.email === true })),
      catchError(() => of({ email: false })),
      shareReplay(1),
    ));
  }

  /** Asks for a reset link; the answer never says whether the address has an account. */
  requestPasswordReset(email: string): Observable<boolean> {
    return this.requestResetGql.mutate({ variables: { email } }).pipe(
      map((result) => result.data?.requestPasswordReset === true),
      catchError((error: unknown) => throwError(() => toAppError(error))),
    );
  }

  /** Sets a new password with a reset link's token, and signs in. */
  resetPassword(token: string, password: string): Observable<SessionUserFragment> {
    return this.resetGql.mutate({ variables: { token, password } }).pipe(
      map((result) => required(result.data?.resetPassword)),
      tap((payload) => this.begin(payload)),
      map((payload) => payload.user),
      catchError((error: unknown) => throwError(() => toAppError(error))),
    );
  }

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
   * Ends the session on the server (`logout`: its tokens stop working and its
   * sockets close) and forgets the tokens and drafts here. The tab forgets at
   * once, whatever the server answers; the logout request carries the token
   * taken just before, so the socket closing under it cannot read as an
   * expired session. Resolves when the server has answered (or failed to).
   */
  signOut(): Promise<void> {
    const token = this.session.currentToken();
    this.session.clear();
    this.realtime.reset();
    if (!token) return Promise.resolve();
    // with no session left, the auth link adds no header: this one is sent
    const logout = this.logoutGql.mutate({ context: { headers: { Authorization: `Bearer ${token}` } } });
    return firstValueFrom(logout).then(
      () => undefined,
      () => undefined, // best effort: the tokens are forgotten here either way and expire on the server
    );
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
