import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return $localize`:@@chat.typing.one:${names[0]}:name: is typing…`;
  if (names.length === 2) return $localize`:@@chat.typing.two:${names[0]}:first: and ${names[1]}:second: are typing…`;
  return $localize`:@@chat.typing.many:Several people are typing…`;
}

@Component({
  selector: 'parley-typing-indicator',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="typing" aria-live="polite">
      @if (text(); as t) {
        <span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>
        <span>{{ t }}</span>
      }
    </div>
  `,
  styles: `
    .typing { display: flex; align-items: center; gap: 0.5rem; min-height: 1.5rem; font-size: 0.8125rem; color: var(--color-muted); }
    .dots { display: inline-flex; gap: 3px; }
    .dots i { width: 6px; height: 6px; border-radius: 50%; background: currentColor; animation: bounce 1.2s infinite ease-in-out; }
    .dots i:nth-child(2) { animation-delay: 0.15s; }
    .dots i:nth-child(3) { animation-delay: 0.3s; }
    @keyframes bounce { 0%, 60%, 100% { transform: translateY(0); opacity: 0.5; } 30% { transform: translateY(-3px); opacity: 1; } }
    @media (prefers-reduced-motion: reduce) { .dots i { animation: none; } }
  `,
})
export class TypingIndicatorComponent {
  readonly names = input<readonly string[]>([]);
  protected readonly text = computed(() => typingText(this.names()));
}
