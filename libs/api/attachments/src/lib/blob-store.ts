import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DataSource, QueryRunner } from 'typeorm';
import type { AttachmentsConfig } from '@parley/api/config';
import { queryRows } from '@parley/api/database';

/** Where attachments' bytes live. Keys are the attachment's id and `<id>/thumbnail`. */
export interface BlobStore {
  readonly name: 'postgres' | 's3';
  /** Writes the bytes; with `runner`, PostgreSQL writes them in that transaction (S3 ignores it). */
  put(key: string, data: Buffer, contentType: string, runner?: QueryRunner): Promise<void>;
  /** The bytes, or null when the store holds none under the key. */
  get(key: string): Promise<Buffer | null>;
  delete(keys: readonly string[], runner?: QueryRunner): Promise<void>;
}

/** The default: a bytea table in the product's own database (nothing to install, in the same backups). */
export class PostgresBlobStore implements BlobStore {
  readonly name = 'postgres' as const;
  constructor(private readonly dataSource: DataSource) {}

  async put(key: string, data: Buffer, _contentType: string, runner?: QueryRunner): Promise<void> {
    await queryRows(this.dataSource, `INSERT INTO attachment_blobs (key, data) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data`, [key, data], runner);
  }

  async get(key: string): Promise<Buffer | null> {
    const [row] = await queryRows<{ data: Buffer }>(this.dataSource, `SELECT data FROM attachment_blobs WHERE key = $1`, [key]);
    return row?.data ?? null;
  }

  async delete(keys: readonly string[], runner?: QueryRunner): Promise<void> {
    if (keys.length) await queryRows(this.dataSource, `DELETE FROM attachment_blobs WHERE key = ANY($1::text[])`, [keys], runner);
  }

  /** Deletes bytes whose attachment row is gone (its chat or uploader deleted, say); how many, at most `limit`. */
  async deleteOrphans(limit: number): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM attachment_blobs WHERE key IN (
         SELECT b.key FROM attachment_blobs b
         WHERE NOT EXISTS (SELECT 1 FROM attachments a WHERE a.id::text = split_part(b.key, '/', 1)) LIMIT $1
       ) RETURNING key`,
      [limit],
    );
    return rows.length;
  }
}

/** An S3-compatible object store (AWS S3, MinIO, Ceph, R2...), through the AWS SDK's S3 client. */
export class S3BlobStore implements BlobStore {
  readonly name = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(settings: NonNullable<AttachmentsConfig['s3']>) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // Checksums only where S3 requires them: several S3-compatible servers refuse the SDK's newer default ones.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
    });
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: data, ContentType: contentType, ContentLength: data.length }));
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return answer.Body ? Buffer.from(await answer.Body.transformToByteArray()) : null;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length) await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
  }

  /** The bucket's keys last written before `before`, a page (at most 1000) at a time. */
  async *keysBefore(before: Date): AsyncGenerator<string[]> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token }));
      yield (page.Contents ?? []).filter((o) => o.Key && o.LastModified && o.LastModified < before).map((o) => o.Key as string);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  close(): void {
    this.client.destroy();
  }
}
