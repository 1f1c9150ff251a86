import { Injectable, inject } from '@angular/core';
import { SESSION_ACCESS } from '@parley/web/shared/data-access';
import type { MessageAttachmentFragment } from '../generated/graphql';

/** What POST /uploads answers, as a message's attachment shows it until the server sends the stored one. */
export type UploadedFile = MessageAttachmentFragment;

/**
 * Files through the API's own routes, with the session's token: uploads
 * (POST /uploads) and authorized downloads (GET /uploads/:id), which an <img>
 * cannot fetch with a header, so each is read once into an object URL.
 */
@Injectable({ providedIn: 'root' })
export class AttachmentClient {
  private readonly session = inject(SESSION_ACCESS);
  private readonly objectUrls = new Map<string, Promise<string>>();

  /** Uploads one file; rejects with the server's own words (too big, refused type…). */
  async upload(file: File): Promise<UploadedFile> {
    const form = new FormData();
    form.append('file', file, file.name);
    let res: Response;
    try {
      res = await fetch('/uploads', { method: 'POST', body: form, headers: await this.headers() });
    } catch {
      throw new Error($localize`:@@attachments.noConnection:Not uploaded: no connection.`);
    }
    const body = (await res.json().catch(() => ({}))) as { id?: string; name?: string; contentType?: string; size?: number; errors?: Array<{ message: string }> };
    if (!res.ok || !body.id) throw new Error(body.errors?.[0]?.message ?? $localize`:@@attachments.failed:The file could not be uploaded.`);
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
    const token = await this.session.accessToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  }
}
