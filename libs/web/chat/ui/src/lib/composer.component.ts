import { ChangeDetectionStrategy, Component, ElementRef, computed, input, model, output, viewChild } from '@angular/core';
import { composerHint } from './timeline-rows';

/**
 * The message box: Enter sends, Shift+Enter starts a new line, and a counter
 * appears as the limit comes near (the box never accepts more than the limit).
 */
@Component({
  selector: 'parley-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="composer" (submit)="$event.preventDefault(); submit()">
      <label class="visually-hidden" [for]="inputId()">{{ label() }}</label>
      <div class="box" [class.box--disabled]="disabled()">
        <textarea
          #field
          [id]="inputId()"
          rows="1"
          [attr.maxlength]="maxLength()"
          [value]="value()"
          [disabled]="disabled()"
          [placeholder]="disabled() ? disabledText() : placeholder()"
          [attr.aria-describedby]="inputId() + '-hint'"
          (input)="onInput($event)"
          (keydown)="onKeydown($event)"
        ></textarea>
        <button type="submit" class="send" [disabled]="disabled() || !canSend()" aria-label="Send message">
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
          </svg>
        </button>
      </div>
      <div class="meta" [id]="inputId() + '-hint'">
        <span class="keys">Enter to send · Shift+Enter for a new line</span>
        @if (hint().showCounter) {
          <span class="counter" [class.counter--limit]="hint().atLimit" aria-live="polite">
            {{ hint().atLimit ? 'Character limit reached' : hint().remaining + ' characters left' }}
          </span>
        }
      </div>
    </form>
  `,
  styles: `
    /* A long unbroken paste (a tracking URL) wraps in the box instead of widening the page. */
    :host { display: block; min-width: 0; }
    .composer { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0.375rem; }
    .box { display: flex; align-items: flex-end; gap: 0.5rem; padding: 0.375rem 0.375rem 0.375rem 0.875rem; border: 1px solid var(--color-border-strong); border-radius: 1rem; background: var(--color-surface); transition: border-color 0.15s, box-shadow 0.15s; }
    .box:focus-within { border-color: var(--color-primary); box-shadow: 0 0 0 3px var(--color-focus-ring); }
    .box--disabled { background: var(--color-bg); }
    textarea { flex: 1; min-width: 0; border: 0; outline: none; resize: none; background: transparent; font: inherit; line-height: 1.5; padding: 0.4375rem 0; max-height: 10rem; field-sizing: content; min-height: 2.25rem; color: inherit; overflow-wrap: anywhere; }
    textarea:focus-visible { outline: none; }
    textarea::placeholder { color: var(--color-muted); }
    .send { flex: none; display: grid; place-items: center; width: 2.5rem; height: 2.5rem; border-radius: 0.75rem; border: 0; background: var(--color-primary); color: #fff; cursor: pointer; }
    .send:hover:not(:disabled) { background: var(--color-primary-hover); }
    .send:disabled { background: #c7cbd6; color: #fff; cursor: not-allowed; }
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
  readonly label = input('Message');
  readonly placeholder = input('Write a message…');
  readonly disabledText = input('This conversation is closed');
  readonly inputId = input('composer-input');
  readonly send = output<string>();

  private readonly field = viewChild.required<ElementRef<HTMLTextAreaElement>>('field');

  protected readonly hint = computed(() => composerHint(this.value().length, this.maxLength()));
  protected readonly canSend = computed(() => this.value().trim().length > 0 && this.value().length <= this.maxLength());

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
