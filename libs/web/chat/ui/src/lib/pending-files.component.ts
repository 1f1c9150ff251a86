import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/** A file chosen for the next message, while and after it uploads. */
export interface ComposerFile {
  key: string;
  name: string;
  state: 'uploading' | 'ready' | 'failed';
  error?: string | null;
}

/** The files chosen for a message (the composer's, the new-conversation form's): each with its state and a remove button. */
@Component({
  selector: 'parley-pending-files',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (files().length) {
      <ul class="pending-files" i18n-aria-label="@@composer.files" aria-label="Files to send">
        @for (file of files(); track file.key) {
          <li class="chip" [class.chip--failed]="file.state === 'failed'">
            <span class="chip-name">{{ file.name }}</span>
            @switch (file.state) {
              @case ('uploading') {
                <span class="chip-state" i18n="@@composer.uploading">Uploading…</span>
              }
              @case ('failed') {
                <span class="chip-state" role="alert">{{ file.error }}</span>
              }
            }
            <button type="button" class="chip-remove" (click)="remove.emit(file.key)" [attr.aria-label]="removeLabel(file.name)">×</button>
          </li>
        }
      </ul>
    }
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .pending-files { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.375rem; }
    .chip { display: inline-flex; align-items: center; gap: 0.375rem; max-width: 100%; padding: 0.25rem; padding-inline-start: 0.625rem; border: 1px solid var(--color-border-strong); border-radius: 999px; background: var(--color-surface); font-size: 0.8125rem; }
    .chip--failed { border-color: var(--color-danger); }
    .chip-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 12rem; }
    .chip-state { color: var(--color-muted); }
    .chip--failed .chip-state { color: var(--color-danger); }
    .chip-remove { border: 0; background: transparent; font: inherit; font-size: 1rem; line-height: 1; width: 1.75rem; height: 1.75rem; border-radius: 999px; cursor: pointer; color: inherit; }
    .chip-remove:focus-visible { outline: 3px solid var(--color-focus-ring); }
  `,
})
export class PendingFilesComponent {
  readonly files = input<readonly ComposerFile[]>([]);
  readonly remove = output<string>();
  protected readonly removeLabel = (name: string) => $localize`:@@composer.removeFile:Remove ${name}:name:`;
}
