import { computed, inject, signal, type Provider } from '@angular/core';
import { LIMITS } from '@parley/shared/limits';
import { AttachmentClient, type UploadedFile } from './attachment-client';

/** A file chosen for the next message, while and after it uploads (the composer's ComposerFile, plus what the server answered). */
export interface PendingFile {
  key: string;
  name: string;
  state: 'uploading' | 'ready' | 'failed';
  error?: string | null;
  uploaded?: UploadedFile;
}

/**
 * The files of the message being written: each uploads (POST /uploads) as
 * soon as it is chosen, at most a message's limit; the message then names the
 * uploaded ones (attachmentIds). One per composer: the site's and the
 * widget's pages take one from `providePendingFiles()`, the desk keeps one per
 * open chat (so switching chats keeps each one's files, like its draft).
 */
export class PendingFiles {
  private readonly list = signal<readonly PendingFile[]>([]);
  private count = 0;
  readonly files = this.list.asReadonly();
  /** The uploaded files, in the order chosen: what the message carries. */
  readonly ready = computed(() => this.list().flatMap((f) => (f.state === 'ready' && f.uploaded ? [f.uploaded] : [])));
  readonly uploading = computed(() => this.list().some((f) => f.state === 'uploading'));

  constructor(private readonly send: (file: File) => Promise<UploadedFile>) {}

  /** Starts uploading what fits; answers the refusal to show when more were chosen than a message may carry. */
  add(chosen: readonly File[]): string | null {
    const room = Math.max(0, LIMITS.attachmentsPerMessageMax - this.list().length);
    const taken = chosen.slice(0, room).map((file) => ({ file, key: `f${++this.count}`, name: file.name || 'pasted-image.png' }));
    this.list.update((list) => [...list, ...taken.map(({ key, name }) => ({ key, name, state: 'uploading' as const }))]);
    for (const { file, key } of taken) void this.upload(key, file);
    return chosen.length > room ? tooManyFilesText() : null;
  }

  remove(key: string): void {
    this.list.update((list) => list.filter((f) => f.key !== key));
  }

  /** What the message names: the files that finished uploading. */
  uploaded(): UploadedFile[] {
    return this.ready();
  }

  clear(): void {
    this.list.set([]);
  }

  private async upload(key: string, file: File): Promise<void> {
    try {
      this.patch(key, { state: 'ready', uploaded: await this.send(file) });
    } catch (error: unknown) {
      this.patch(key, { state: 'failed', error: failureText(error) });
    }
  }

  private patch(key: string, change: Partial<PendingFile>): void {
    // a file removed while it uploaded stays removed
    this.list.update((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));
  }
}

/** One PendingFiles for a component's composer, uploading through the app's AttachmentClient. */
export function providePendingFiles(): Provider {
  return {
    provide: PendingFiles,
    useFactory: () => {
      const client = inject(AttachmentClient);
      return new PendingFiles((file) => client.upload(file));
    },
  };
}

export const tooManyFilesText = () => $localize`:@@attachments.tooMany:A message can carry at most ${LIMITS.attachmentsPerMessageMax}:max: files.`;
/** An upload's own words (AttachmentClient's, localized). */
function failureText(error: unknown): string {
  return error instanceof Error && error.message ? error.message : uploadFailedText();
}
const uploadFailedText = () => $localize`:@@attachments.failed:The file could not be uploaded.`;
