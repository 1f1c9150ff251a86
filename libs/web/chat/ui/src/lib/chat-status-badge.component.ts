import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export type ChatStatusValue = 'QUEUED' | 'ACTIVE' | 'CLOSED';

export function chatStatusLabel(status: ChatStatusValue): string {
  switch (status) {
    case 'QUEUED':
      return $localize`:@@chat.status.waiting:Waiting`;
    case 'ACTIVE':
      return $localize`:@@chat.status.active:Active`;
    case 'CLOSED':
      return $localize`:@@chat.status.closed:Closed`;
  }
}

@Component({
  selector: 'parley-chat-status-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class]': '"badge badge--" + status().toLowerCase()' },
  template: `<span class="dot" aria-hidden="true"></span>{{ label() }}`,
  styles: `
    :host { display: inline-flex; align-items: center; gap: 0.375rem; padding: 0.125rem 0.5rem; border-radius: 999px; font-size: 0.75rem; font-weight: 600; line-height: 1.25rem; white-space: nowrap; }
    .dot { width: 0.4375rem; height: 0.4375rem; border-radius: 50%; background: currentColor; }
    :host(.badge--queued) { background: #fef0c7; color: #7a2e0e; }
    :host(.badge--active) { background: #d1fadf; color: #05603a; }
    :host(.badge--closed) { background: #eaecf0; color: #344054; }
  `,
})
export class ChatStatusBadgeComponent {
  readonly status = input.required<ChatStatusValue>();
  protected readonly label = computed(() => chatStatusLabel(this.status()));
}
