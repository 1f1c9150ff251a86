import { makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import { SESSION_ACCESS } from '@parley/web/shared/data-access';
import { SESSION_PERSISTENCE, SessionStore, type SessionPersistence } from './session.store';

/** Makes the app's session the token source of the transport, kept where `persistence` says (an app's own key). */
export function provideAuth(persistence?: SessionPersistence): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: SESSION_ACCESS, useExisting: SessionStore },
    ...(persistence ? [{ provide: SESSION_PERSISTENCE, useValue: persistence }] : []),
  ]);
}
