import { ChangeDetectionStrategy, Component, ElementRef, computed, input, model, output, signal, viewChild } from '@angular/core';

import { composerHint } from './timeline-rows';
import { AttachButtonComponent, PendingFilesComponent, filesOf, type ComposerFile } from './composer-files.component';

/**
 * The message box: Enter sends, Shift+Enter starts a new line, and a counter
 * appears as the limit comes near (the box never accepts more than the limit).
 */
@Component({
  selector: 'parley-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AttachButtonComponent, PendingFilesComponent],
  template: `
    <form
      class="composer"
      (submit)="$event.preventDefault(); submit()"
      (dragover)="onDragOver($event)"
      (dragleave)="dragging.set(false)"
      (drop)="onDrop($event)"
      [class.composer--dragging]="dragging()"
    >
      <label class="visually-hidden" [for]="inputId()">{{ label() }}</label>
      <parley-pending-files [files]="files()" (remove)="removeFile.emit($event)" />
      <div class="box" [class.box--disabled]="disabled()">
        @if (attachable()) {
          <parley-attach-button [disabled]="disabled()" (picked)="addFiles.emit($event)" />
        }
        <textarea
          #field
          dir="auto"
          [id]="inputId()"
          rows="1"
          [attr.maxlength]="maxLength()"
          [value]="value()"
          [disabled]="disabled()"
          [placeholder]="disabled() ? disabledText() : placeholder()"
          [attr.aria-describedby]="inputId() + '-hint'"
          (input)="onInput($event)"
          (keydown)="onKeydown($event)"
          (paste)="onPaste($event)"
        ></textarea>
        <button type="submit" class="send" [disabled]="disabled() || !canSend()" aria-label="Send message" i18n-aria-label="@@chat.send">
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
          </svg>
        </button>
      </div>
      <div class="meta" [id]="inputId() + '-hint'">
        <span class="keys" i18n="@@chat.keys">Enter to send · Shift+Enter for a new line</span>
        @if (hint().showCounter) {
          <span class="counter" [class.counter--limit]="hint().atLimit" aria-live="polite">
            @if (hint().atLimit) {<ng-container i18n="@@chat.limitReached">Character limit reached</ng-container>} @else {<ng-container i18n="@@chat.charactersLeft">{{ hint().remaining }} characters left</ng-container>}
          </span>
        }
      </div>
    </form>
  `,
  styles: `
    /* A long unbroken paste (a tracking URL) wraps in the box instead of widening the page. */
    :host { display: block; min-width: 0; }
    .composer { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0.375rem; }
    .box { display: flex; align-items: flex-end; gap: 0.5rem; padding: 0.375rem; padding-inline-start: 0.875rem; border: 1px solid var(--color-border-strong); border-radius: 1rem; background: var(--color-surface); transition: border-color 0.15s, box-shadow 0.15s; }
    .box:focus-within { border-color: var(--color-primary); box-shadow: 0 0 0 3px var(--color-focus-ring); }
    .box--disabled { background: var(--color-bg); }
    textarea { flex: 1; min-width: 0; border: 0; outline: none; resize: none; background: transparent; font: inherit; line-height: 1.5; padding: 0.4375rem 0; max-height: 10rem; field-sizing: content; min-height: 2.25rem; color: inherit; overflow-wrap: anywhere; }
    textarea:focus-visible { outline: none; }
    textarea::placeholder { color: var(--color-muted); }
    .send { flex: none; display: grid; place-items: center; width: 2.5rem; height: 2.5rem; border-radius: 0.75rem; border: 0; background: var(--color-primary); color: #fff; cursor: pointer; }
    .send:hover:not(:disabled) { background: var(--color-primary-hover); }
    .send:disabled { background: #c7cbd6; color: #fff; cursor: not-allowed; }
    /* the paper plane points the way the text runs */
    .send svg:dir(rtl) { transform: scaleX(-1); }
    .composer--dragging .box { border-color: var(--color-primary); border-style: dashed; }
    .meta { display: flex; justify-content: space-between; gap: 1rem; font-size: 0.75rem; color: var(--color-muted); padding: 0 0.25rem; }
    .counter { font-weight: 600; color: var(--color-warning-text); }
    .counter--limit { color: var(--color-danger); }
    @media (max-width: 30rem) { .keys { display: none; } }
  `,
})
export class ComposerComponent {
  readonly value = model('');
  readonly maxLength = input.required<number>();
  readonly disabled = input(false);
  readonly label = input($localize`:@@chat.composer.label:Message`);
  readonly placeholder = input($localize`:@@chat.composer.placeholder:Write a message…`);
  readonly disabledText = input($localize`:@@chat.composer.closed:This conversation is closed`);
  readonly inputId = input('composer-input');
  readonly send = output<string>();
  /** Whether files may be added (button, paste, drag and drop). */
  readonly attachable = input(false);
  /** Files chosen for the next message, as the page tracks their uploads. */
  readonly files = input<readonly ComposerFile[]>([]);
  /** Files the person picked, pasted or dropped. */
  readonly addFiles = output<File[]>();
  readonly removeFile = output<string>();
  protected readonly dragging = signal(false);

  private readonly field = viewChild.required<ElementRef<HTMLTextAreaElement>>('field');

  protected readonly hint = computed(() => composerHint(this.value().length, this.maxLength()));
  protected readonly canSend = computed(() => {
    const files = this.files();
    if (files.some((f) => f.state === 'uploading')) return false;
    const ready = files.some((f) => f.state === 'ready');
    return (ready || this.value().trim().length > 0) && this.value().length <= this.maxLength();
  });
  protected onPaste(event: ClipboardEvent): void {
    const files = filesOf(event.clipboardData);
    if (!this.attachable() || !files.length) return;
    event.preventDefault();
    this.addFiles.emit(files);
  }

  protected onDragOver(event: DragEvent): void {
    if (!this.attachable() || this.disabled() || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this.dragging.set(true);
  }

  protected onDrop(event: DragEvent): void {
    this.dragging.set(false);
    const files = filesOf(event.dataTransfer);
    if (!this.attachable() || this.disabled() || !files.length) return;
    event.preventDefault();
    this.addFiles.emit(files);
  }

  focus(): void {
    this.field().nativeElement.focus();
  }

  protected onInput(event: Event): void {
    this.value.set((event.target as HTMLTextAreaElement).value);
  }

  protected onKeydown(event: KeyboardEvent): void {
    // Enter sends; Shift+Enter (and Enter while an IME composes a word) does not
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.submit();
    }
  }

  protected submit(): void {
    if (this.disabled() || !this.canSend()) return;
    this.send.emit(this.value());
  }
}
