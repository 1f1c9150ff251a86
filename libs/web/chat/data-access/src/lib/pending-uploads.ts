import { Injectable, computed, inject, signal } from '@angular/core';
import { LIMITS } from '@parley/shared/limits';
import { AttachmentClient, type UploadedFile } from './attachment-client';

/** A file chosen for the next message: uploading, uploaded (its id goes with the message) or refused. */
export interface PendingUpload {
  key: string;
  name: string;
  state: 'uploading' | 'ready' | 'failed';
  error?: string | null;
  uploaded?: UploadedFile;
}

/**
 * The files of the message being written (a conversation's next message, or
 * a new conversation's first): each uploads as soon as it is chosen, at most
 * the message's limit. Provided per page.
 */
@Injectable()
export class PendingUploads {
  private readonly client = inject(AttachmentClient);
  private count = 0;
  readonly files = signal<PendingUpload[]>([]);
  /** Some file is still on its way: the message waits for it. */
  readonly uploading = computed(() => this.files().some((f) => f.state === 'uploading'));
  /** The uploaded files, as the message names them. */
  readonly ready = computed(() => this.files().flatMap((f) => (f.state === 'ready' && f.uploaded ? [f.uploaded] : [])));

  /** Starts uploading what was chosen; the words to show when some did not fit (null when all did). */
  add(chosen: readonly File[]): string | null {
    const room = LIMITS.attachmentsPerMessageMax - this.files().length;
    for (const file of chosen.slice(0, Math.max(0, room))) {
      const key = `f${++this.count}`;
      this.files.update((list) => [...list, { key, name: file.name || 'pasted-image.png', state: 'uploading' }]);
      this.client.upload(file).then(
        (uploaded) => this.patch(key, { state: 'ready', uploaded }),
        (error: Error) => this.patch(key, { state: 'failed', error: error.message }),
      );
    }
    return chosen.length > room ? $localize`:@@attachments.tooMany:A message can carry at most ${LIMITS.attachmentsPerMessageMax}:max: files.` : null;
  }

  remove(key: string): void {
    this.files.update((list) => list.filter((f) => f.key !== key));
  }

  clear(): void {
    this.files.set([]);
  }

  private patch(key: string, change: Partial<PendingUpload>): void {
    // a file removed while it uploaded stays removed
    this.files.update((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));
  }
}
