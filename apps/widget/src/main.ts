import { loadTranslations } from '@angular/localize';
import { loadLocale, pickLocale } from '@parley/web/shared/util';
import { HostChannel } from '@parley/web/widget/data-access';

/** The languages the widget speaks; the first is the source language of its strings. */
const LOCALES = ['en', 'fr', 'ar'];

// Talk to the loader at once: its settings (and, where this frame's own storage is blocked, what the
// widget kept in the host's storage) come while the translations load.
const channel = new HostChannel();
// The host's parleySettings.locale (the loader passes it as ?locale=), else the browser's languages.
const wanted = [new URLSearchParams(location.search).get('locale'), ...navigator.languages];
// The app is imported only once the translations are in: its strings are read as its modules load.
Promise.all([loadLocale(pickLocale(wanted, LOCALES), LOCALES[0], 'i18n/', loadTranslations), channel.settings])
  .then(async ([, settings]) => (await import('./app/bootstrap')).bootstrap(channel, settings?.stored))
  .catch((error: unknown) => console.error(error));
