import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { initialsOf } from '@parley/web/shared/util';

const TONES = ['indigo', 'teal', 'rose', 'amber', 'sky', 'violet'] as const;

/** Initials in a circle, coloured by a hash of the name; decorative (the name is always shown beside it). */
@Component({
  selector: 'parley-avatar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    'aria-hidden': 'true',
    '[class]': '"avatar avatar--" + tone() + " avatar--" + size()',
  },
  template: `@if (kind() === 'bot') {
      <svg viewBox="0 0 24 24" width="60%" height="60%" focusable="false">
        <path fill="currentColor" d="M12 2a1 1 0 0 1 1 1v1.07A7 7 0 0 1 19 11v6a3 3 0 0 1-3 3H8a3 3 0 0 1-3-3v-6a7 7 0 0 1 6-6.93V3a1 1 0 0 1 1-1Zm-3 10.5A1.5 1.5 0 1 0 9 15.5a1.5 1.5 0 0 0 0-3Zm6 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Z" />
      </svg>
    } @else {
      {{ initials() }}
    }`,
  styles: `
    :host { display: inline-grid; place-items: center; flex: none; border-radius: 50%; font-weight: 600; letter-spacing: 0.02em; user-select: none; }
    :host(.avatar--sm) { width: 2rem; height: 2rem; font-size: 0.75rem; }
    :host(.avatar--md) { width: 2.5rem; height: 2.5rem; font-size: 0.875rem; }
    :host(.avatar--indigo) { background: #e0e7ff; color: #3730a3; }
    :host(.avatar--teal) { background: #ccfbf1; color: #115e59; }
    :host(.avatar--rose) { background: #ffe4e6; color: #9f1239; }
    :host(.avatar--amber) { background: #fef3c7; color: #92400e; }
    :host(.avatar--sky) { background: #e0f2fe; color: #075985; }
    :host(.avatar--violet) { background: #ede9fe; color: #5b21b6; }
  `,
})
export class AvatarComponent {
  readonly name = input.required<string>();
  readonly size = input<'sm' | 'md'>('md');
  readonly kind = input<'person' | 'bot'>('person');

  protected readonly initials = computed(() => initialsOf(this.name()));
  protected readonly tone = computed(() => {
    if (this.kind() === 'bot') return 'sky';
    let hash = 0;
    for (const ch of this.name()) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    return TONES[hash % TONES.length];
  });
}
