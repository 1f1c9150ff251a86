import { computed, signal } from '@angular/core';
import { LIMITS } from '@parley/shared/limits';
import type { UploadedFile } from './attachment-client';

/** A file chosen for the next message, while and after it uploads (chat/ui's chips show it). */
export interface PendingFile {
  key: string;
  name: string;
  state: 'uploading' | 'ready' | 'failed';
  error?: string | null;
  uploaded?: UploadedFile;
}

/**
 * The files for the next message, each uploaded (POST /uploads) as soon as
 * it is chosen; the message then names the uploaded ones (attachmentIds).
 * One per composer; the customer's app and the desk both use it.
 */
export class PendingFiles {
  private readonly list = signal<readonly PendingFile[]>([]);
  private count = 0;
  readonly files = this.list.asReadonly();
  /** The uploaded files, in the order chosen: what the message carries. */
  readonly ready = computed(() => this.list().flatMap((f) => (f.state === 'ready' && f.uploaded ? [f.uploaded] : [])));
  readonly uploading = computed(() => this.list().some((f) => f.state === 'uploading'));

  constructor(private readonly upload: (file: File) => Promise<UploadedFile>) {}

  /** Starts uploading each file, up to a message's limit; returns what to tell the person when some were left out. */
  add(chosen: readonly File[]): string | null {
    const room = Math.max(0, LIMITS.attachmentsPerMessageMax - this.list().length);
    for (const file of chosen.slice(0, room)) {
      const key = `f${++this.count}`;
      this.list.update((list) => [...list, { key, name: file.name || 'pasted-image.png', state: 'uploading' }]);
      this.upload(file).then(
        (uploaded) => this.patch(key, { state: 'ready', uploaded }),
        (error: Error) => this.patch(key, { state: 'failed', error: error.message }),
      );
    }
    return chosen.length > room ? $localize`:@@attachments.tooMany:A message can carry at most ${LIMITS.attachmentsPerMessageMax}:max: files.` : null;
  }

  remove(key: string): void {
    this.list.update((list) => list.filter((f) => f.key !== key));
  }

  clear(): void {
    this.list.set([]);
  }

  private patch(key: string, change: Partial<PendingFile>): void {
    // a file removed while it uploaded stays removed
    this.list.update((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));
  }
}
