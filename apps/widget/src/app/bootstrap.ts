import { provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideAuth } from '@parley/web/auth/data-access';
import { RATING_STORAGE } from '@parley/web/chat/data-access/compose';
import { provideParleyApollo } from '@parley/web/shared/data-access';
import { HOST_CHANNEL, HostStorage, WIDGET_STORAGE, ownStorage, provideWidgetSession, type HostChannel } from '@parley/web/widget/data-access';
import { WidgetPage } from '@parley/web/widget/feature';

/** The widget: one screen, no router; the session shared by every tab of the host site. */
export function bootstrap(channel: HostChannel, hostStored: Record<string, string> | undefined) {
  document.title = $localize`:@@widget.documentTitle:Chat · Parley`;
  const storage = ownStorage() ?? (channel.embedded ? new HostStorage(channel, hostStored) : null);
  return bootstrapApplication(WidgetPage, {
    providers: [
      provideBrowserGlobalErrorListeners(),
      provideZonelessChangeDetection(),
      { provide: HOST_CHANNEL, useValue: channel },
      { provide: WIDGET_STORAGE, useValue: storage },
      // "No thanks" to a rating is remembered where the widget keeps its session.
      { provide: RATING_STORAGE, useValue: storage },
      provideAuth(),
      provideWidgetSession(),
      provideParleyApollo(),
    ],
  });
}
