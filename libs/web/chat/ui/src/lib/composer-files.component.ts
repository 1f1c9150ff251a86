import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/** A file chosen for the next message, while and after it uploads (chat/data-access's PendingFile fits). */
export interface ComposerFile {
  key: string;
  name: string;
  state: 'uploading' | 'ready' | 'failed';
  error?: string | null;
}

/** The files chosen for the next message, as chips: uploading, refused (in the server's words), each removable. */
@Component({
  selector: 'parley-pending-files',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (files().length) {
      <ul class="pending-files" i18n-aria-label="@@composer.files" aria-label="Files to send">
        @for (file of files(); track file.key) {
          <li class="chip" [class.chip--failed]="file.state === 'failed'" [attr.data-state]="file.state">
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
    .pending-files { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.375rem; }
    .chip { display: inline-flex; align-items: center; gap: 0.375rem; max-width: 100%; padding-block: 0.25rem; padding-inline: 0.625rem 0.25rem; border: 1px solid var(--color-border-strong); border-radius: 999px; background: var(--color-surface); font-size: 0.8125rem; }
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

/** The paper-clip button: opens the file picker (several files at once). */
@Component({
  selector: 'parley-attach-button',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <input #picker type="file" multiple class="visually-hidden" tabindex="-1" aria-hidden="true" (change)="onPicked($event)" />
    <button type="button" class="attach" [disabled]="disabled()" (click)="picker.click()" i18n-aria-label="@@composer.attach" aria-label="Attach files">
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path fill="currentColor" d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" />
      </svg>
    </button>
  `,
  styles: `
    :host { display: contents; }
    .attach { flex: none; display: grid; place-items: center; width: 2.5rem; height: 2.5rem; border-radius: 0.75rem; border: 0; background: transparent; color: var(--color-muted); cursor: pointer; }
    .attach:hover:not(:disabled) { color: var(--color-primary); }
    .attach:focus-visible { outline: 3px solid var(--color-focus-ring); }
  `,
})
export class AttachButtonComponent {
  readonly disabled = input(false);
  readonly picked = output<File[]>();

  protected onPicked(event: Event): void {
    const field = event.target as HTMLInputElement;
    const files = Array.from(field.files ?? []);
    field.value = '';
    if (files.length) this.picked.emit(files);
  }
}

/** The files a paste or a drop carries (none for plain text). */
export function filesOf(transfer: DataTransfer | null | undefined): File[] {
  return Array.from(transfer?.files ?? []);
}
