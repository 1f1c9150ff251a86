import { bootstrapApplication } from '@angular/platform-browser';
import { APP_LOCALES } from '@parley/web/shared/ui';
import { App } from './app';
import { appConfig } from './app.config';

/** The desk, started once its translations are loaded (main.ts); its language menu lists `locales`. */
export function bootstrap(locales: readonly string[]) {
  return bootstrapApplication(App, { providers: [...appConfig.providers, { provide: APP_LOCALES, useValue: locales }] });
}
