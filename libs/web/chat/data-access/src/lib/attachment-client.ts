import { Injectable, inject } from '@angular/core';
import { SESSION_ACCESS } from '@parley/web/shared/data-access';
import type { MessageAttachmentFragment } from '../generated/graphql';

/** What POST /uploads answers, as a message's attachment shows it until the server sends the stored one. */
export type UploadedFile = MessageAttachmentFragment;

interface UploadAnswer {
  id?: string;
  name?: string;
  contentType?: string;
  size?: number;
  errors?: Array<{ message: string; extensions?: { code?: string; reason?: string; maxBytes?: number; retryAfterSeconds?: number } }>;
}

/** Why the server refused an upload, in the viewer's language (its `extensions.reason`; see the API's attachment.errors.ts). */
export function refusalText(fileName: string, error: NonNullable<UploadAnswer['errors']>[number] | undefined): string {
  const ext = error?.extensions ?? {};
  // isolated, so that a Latin name or size keeps its order inside a right-to-left sentence
  const name = isolate(fileName);
  switch (ext.reason) {
    case 'TOO_LARGE':
      return ext.maxBytes
        ? $localize`:@@attachments.tooLarge:${name}:name: is too large: a file may be at most ${isolate(formatBytes(ext.maxBytes))}:max:.`
        : $localize`:@@attachments.tooLargeNoMax:${name}:name: is too large to send.`;
    case 'TYPE_REFUSED':
      return $localize`:@@attachments.typeRefused:${name}:name: can’t be sent: this kind of file isn’t accepted.`;
    case 'QUOTA_EXCEEDED':
      return $localize`:@@attachments.quota:You’ve sent as many files as allowed today. Try again later.`;
  }
  if (ext.code === 'RATE_LIMITED') return $localize`:@@attachments.rateLimited:Too many files at once. Wait a moment, then try again.`;
  return $localize`:@@attachments.failed:The file could not be uploaded.`;
}

const bearer = (token: string | null): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
const isolate = (text: string) => `\u2068${text}\u2069`;

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * Files through the API's own routes, with the session's token: uploads
 * (POST /uploads) and authorized downloads (GET /uploads/:id), which an <img>
 * cannot fetch with a header, so each is read once into an object URL.
 */
@Injectable({ providedIn: 'root' })
export class AttachmentClient {
  private readonly session = inject(SESSION_ACCESS);
  private readonly objectUrls = new Map<string, Promise<string>>();

  /** Uploads one file; rejects saying why in the viewer's language (too big, refused type…). */
  async upload(file: File): Promise<UploadedFile> {
    const form = new FormData();
    form.append('file', file, file.name);
    let res: Response;
    try {
      const token = await this.session.accessToken();
      res = await fetch('/uploads', { method: 'POST', body: form, headers: bearer(token) });
      // A token the server no longer takes (it expired while the tab slept, or just now): renewed, the upload goes again, once.
      if (res.status === 401 && (await this.session.tokenRefused(token))) {
        res = await fetch('/uploads', { method: 'POST', body: form, headers: bearer(await this.session.accessToken()) });
      }
    } catch {
      throw new Error($localize`:@@attachments.noConnection:Not uploaded: no connection.`);
    }
    const body = (await res.json().catch(() => ({}))) as UploadAnswer;
    if (!res.ok || !body.id) throw new Error(refusalText(file.name, body.errors?.[0]));
    return {
      id: body.id,
      name: body.name ?? file.name,
      contentType: body.contentType ?? 'application/octet-stream',
      size: body.size ?? file.size,
      url: `/uploads/${body.id}`,
      width: null,
      height: null,
      // Images the server re-encodes have a thumbnail.
      thumbnailUrl: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'].includes(body.contentType ?? '') ? `/uploads/${body.id}/thumbnail` : null,
    };
  }

  /** An object URL for a file route (read once with the token, then kept for the tab's life). */
  objectUrl(path: string): Promise<string> {
    let url = this.objectUrls.get(path);
    if (!url) {
      url = this.fetchBlob(path).then((blob) => URL.createObjectURL(blob));
      url.catch(() => this.objectUrls.delete(path));
      this.objectUrls.set(path, url);
    }
    return url;
  }

  /** Saves a file under its name. */
  async download(path: string, name: string): Promise<void> {
    const link = document.createElement('a');
    link.href = await this.objectUrl(path);
    link.download = name;
    link.rel = 'noopener';
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  private async fetchBlob(path: string): Promise<Blob> {
    const res = await fetch(path, { headers: await this.headers() });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    return res.blob();
  }

  private async headers(): Promise<Record<string, string>> {
    return bearer(await this.session.accessToken());
  }
}
