import type { DataSource } from 'typeorm';
import { AttachmentRepository } from './attachment.repository';
import { keysOf } from './attachment.service';
import type { BlobStore } from './blob-store';

/**
 * Moves every file kept in one store to the other (README: moving between
 * stores), one file at a time: copied, its row pointed at the new store, then
 * deleted from the old one, so a file is readable throughout and a stopped
 * run resumes where it was. Returns how many moved.
 */
export async function moveAttachments(dataSource: DataSource, from: BlobStore, to: BlobStore): Promise<number> {
  if (from.name === to.name) return 0;
  const repository = new AttachmentRepository(dataSource);
  let moved = 0;
  let after: string | null = null;
  for (;;) {
    const rows = await repository.inStore(from.name, after, 100);
    if (!rows.length) return moved;
    for (const row of rows) {
      for (const key of keysOf(row)) {
        const data = await from.get(key);
        if (data) await to.put(key, data, key === row.id ? row.contentType : 'image/webp');
      }
      await repository.setStore(row.id, to.name);
      await from.delete(keysOf(row));
      moved++;
    }
    after = rows[rows.length - 1].id;
  }
}
