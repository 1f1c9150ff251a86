import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app';
import { appConfig } from './app.config';

/** The site, started once its translations are loaded (main.ts). */
export function bootstrap() {
  return bootstrapApplication(App, appConfig);
}
