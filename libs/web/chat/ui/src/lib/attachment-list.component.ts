import { ChangeDetectionStrategy, Component, InjectionToken, inject, input, signal, effect } from '@angular/core';

/** What the list needs of a file (the data-access MessageAttachmentFragment fits). */
export interface AttachmentItem {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
  thumbnailUrl?: string | null;
}

/** Reads files with the viewer's credentials (an <img> cannot send a bearer token); provided by the feature. */
export interface AttachmentFiles {
  objectUrl(path: string): Promise<string>;
  download(path: string, name: string): Promise<void>;
}
export const ATTACHMENT_FILES = new InjectionToken<AttachmentFiles>('AttachmentFiles');

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** One image: its thumbnail, read with the viewer's token; activating it opens the full image. */
@Component({
  selector: 'parley-attachment-image',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button type="button" class="thumb" (click)="open()" [attr.aria-label]="openLabel()">
      @if (src(); as s) {
        <img [src]="s" [alt]="item().name" loading="lazy" />
      } @else {
        <span class="placeholder" aria-hidden="true"></span>
      }
    </button>
  `,
  styles: `
    .thumb { display: block; padding: 0; border: 1px solid var(--color-border, #d8dbe2); border-radius: 0.75rem; overflow: hidden; background: var(--color-bg, #f4f5f8); cursor: zoom-in; }
    .thumb:focus-visible { outline: 3px solid var(--color-focus-ring, #7aa7ff); outline-offset: 2px; }
    img { display: block; max-width: 14rem; max-height: 14rem; }
    .placeholder { display: block; width: 8rem; height: 6rem; }
  `,
})
export class AttachmentImageComponent {
  readonly item = input.required<AttachmentItem>();
  private readonly files = inject(ATTACHMENT_FILES);
  protected readonly src = signal<string | null>(null);
  protected readonly openLabel = () => $localize`:@@attachments.openImage:Open image ${this.item().name}:name:`;

  constructor() {
    effect(() => {
      const item = this.item();
      this.files.objectUrl(item.thumbnailUrl ?? item.url).then(
        (url) => this.src.set(url),
        () => this.src.set(null),
      );
    });
  }

  protected async open(): Promise<void> {
    const url = await this.files.objectUrl(this.item().url);
    window.open(url, '_blank', 'noopener');
  }
}

/** A message's files: images as thumbnails, anything else as a card that downloads it. */
@Component({
  selector: 'parley-attachment-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AttachmentImageComponent],
  template: `
    <ul class="files" [attr.aria-label]="listLabel">
      @for (item of attachments(); track item.id) {
        <li>
          @if (item.thumbnailUrl) {
            <parley-attachment-image [item]="item" />
          } @else {
            <button type="button" class="card" (click)="download(item)">
              <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M6 2h8l6 6v14H6zm7 1.5V9h5.5zM12 11v6.2l-2.3-2.3-1.4 1.4 4.7 4.7 4.7-4.7-1.4-1.4-2.3 2.3V11z" />
              </svg>
              <span class="name">{{ item.name }}</span>
              <span class="size">{{ size(item.size) }}</span>
              <span class="visually-hidden" i18n="@@attachments.download">Download</span>
            </button>
          }
        </li>
      }
    </ul>
  `,
  styles: `
    .files { list-style: none; margin: 0.25rem 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
    .card { display: inline-flex; align-items: center; gap: 0.5rem; max-width: 16rem; padding: 0.5rem 0.75rem; border: 1px solid var(--color-border, #d8dbe2); border-radius: 0.75rem; background: var(--color-surface, #fff); color: inherit; font: inherit; cursor: pointer; text-align: start; }
    .card:focus-visible { outline: 3px solid var(--color-focus-ring, #7aa7ff); outline-offset: 2px; }
    .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
    .size { flex: none; font-size: 0.75rem; color: var(--color-muted, #555b66); }
  `,
})
export class AttachmentListComponent {
  readonly attachments = input.required<readonly AttachmentItem[]>();
  private readonly files = inject(ATTACHMENT_FILES);
  protected readonly listLabel = $localize`:@@attachments.list:Attached files`;
  protected readonly size = formatSize;

  protected download(item: AttachmentItem): void {
    void this.files.download(item.url, item.name);
  }
}
