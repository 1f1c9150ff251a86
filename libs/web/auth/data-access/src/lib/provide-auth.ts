import { makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import { SESSION_ACCESS } from '@parley/web/shared/data-access';
import { SessionStore } from './session.store';

/** Makes the tab's session the token source of the transport. */
export function provideAuth(): EnvironmentProviders {
  return makeEnvironmentProviders([{ provide: SESSION_ACCESS, useExisting: SessionStore }]);
}
