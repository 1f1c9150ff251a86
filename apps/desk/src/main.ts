import { loadTranslations } from '@angular/localize';
import { chosenLocale, loadLocale, pickLocale } from '@parley/web/shared/util';

/** The languages the desk speaks (each but the first with its public/i18n/<locale>.json); the first is the source language of its strings. */
const LOCALES = ['en', 'fr', 'ar'];

// The person's own choice (the language menu), else the browser's languages.
const wanted = [chosenLocale(), ...navigator.languages];
// The app is imported only once the translations are in: its strings are read as its modules load.
loadLocale(pickLocale(wanted, LOCALES), LOCALES[0], '/desk/i18n/', loadTranslations)
  .then(async () => (await import('./app/bootstrap')).bootstrap(LOCALES))
  .catch((error: unknown) => console.error(error));
