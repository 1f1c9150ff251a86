import { Injectable, inject, signal } from '@angular/core';
import { WidgetSettingsGQL } from '../generated/graphql';

/** The team's pre-chat choices (widgetSettings): both off until read, and if reading fails. */
@Injectable({ providedIn: 'root' })
export class WidgetSettingsStore {
  private readonly gql = inject(WidgetSettingsGQL);
  readonly askName = signal(false);
  readonly askEmail = signal(false);

  load(): void {
    this.gql.fetch().subscribe({
      next: (result) => {
        const settings = result.data?.widgetSettings;
        if (!settings) return;
        this.askName.set(settings.askName);
        this.askEmail.set(settings.askEmail);
      },
      error: () => undefined, // the visitor can write without them
    });
  }
}
