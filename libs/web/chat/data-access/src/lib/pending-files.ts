import { Injectable, inject, signal } from '@angular/core';
import { LIMITS } from '@parley/shared/limits';
import { AttachmentClient, type UploadedFile } from './attachment-client';

/** A file chosen for the next message, while and after it uploads (the composer's ComposerFile, plus what the server answered). */
export interface PendingFile {
  key: string;
  name: string;
  state: 'uploading' | 'ready' | 'failed';
  error?: string | null;
  uploaded?: UploadedFile;
  /** Chosen, not uploaded yet (kept for later). */
  file?: File;
}

/**
 * The files of the message being written: each uploads as soon as it is
 * chosen (at most a message's limit); the message then names the uploaded
 * ones. Provided per composer (a page, the widget's first-message screen).
 */
@Injectable()
export class PendingFiles {
  private readonly client = inject(AttachmentClient);
  private readonly list = signal<readonly PendingFile[]>([]);
  readonly files = this.list.asReadonly();
  private count = 0;

  /**
   * Takes what fits and starts uploading it, or with `later`, keeps it until
   * `uploadWaiting()` (the widget's first message: an upload needs a session,
   * which starts only once the visitor sends). Answers the refusal to show
   * when more were chosen than a message may carry.
   */
  add(chosen: readonly File[], later = false): string | null {
    const room = LIMITS.attachmentsPerMessageMax - this.list().length;
    const taken = chosen.slice(0, Math.max(0, room)).map((file) => ({ file, key: `f${++this.count}`, name: file.name || 'pasted-image.png' }));
    if (later) this.list.update((list) => [...list, ...taken.map(({ file, key, name }) => ({ key, name, state: 'ready' as const, file }))]);
    else {
      this.list.update((list) => [...list, ...taken.map(({ key, name }) => ({ key, name, state: 'uploading' as const }))]);
      for (const { file, key } of taken) void this.upload(key, file);
    }
    return chosen.length > room ? tooManyFilesText() : null;
  }

  /** Uploads the files kept for later; true once every file is uploaded (a refused one stays, with its reason). */
  async uploadWaiting(): Promise<boolean> {
    const waiting = this.list().filter((f) => f.file && !f.uploaded);
    for (const f of waiting) this.patch(f.key, { state: 'uploading', error: null });
    await Promise.all(waiting.map((f) => this.upload(f.key, f.file as File)));
    return this.list().every((f) => f.state === 'ready' && f.uploaded);
  }

  remove(key: string): void {
    this.list.update((list) => list.filter((f) => f.key !== key));
  }

  /** What the message names: the files that finished uploading. */
  uploaded(): UploadedFile[] {
    return this.list().flatMap((f) => (f.state === 'ready' && f.uploaded ? [f.uploaded] : []));
  }

  clear(): void {
    this.list.set([]);
  }

  private async upload(key: string, file: File): Promise<void> {
    try {
      this.patch(key, { state: 'ready', uploaded: await this.client.upload(file), file: undefined });
    } catch (error: unknown) {
      this.patch(key, { state: 'failed', error: failureText(error) });
    }
  }

  private patch(key: string, change: Partial<PendingFile>): void {
    this.list.update((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));
  }
}

export const tooManyFilesText = () => $localize`:@@attachments.tooMany:A message can carry at most ${LIMITS.attachmentsPerMessageMax}:max: files.`;
/** An upload's own words (AttachmentClient's, localized). */
function failureText(error: unknown): string {
  return error instanceof Error && error.message ? error.message : uploadFailedText();
}
const uploadFailedText = () => $localize`:@@attachments.failed:The file could not be uploaded.`;
