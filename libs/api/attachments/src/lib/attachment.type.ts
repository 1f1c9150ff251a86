import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { AttachmentRow } from './attachment.repository';

/** Where a file is downloaded: relative to the API's origin, with the usual Authorization header. */
export const fileUrl = (id: string) => `/uploads/${id}`;
export const thumbnailUrl = (id: string) => `/uploads/${id}/thumbnail`;

@ObjectType('Attachment', { simpleResolvers: true, description: 'A file on a message (uploaded through POST /uploads).' })
export class Attachment {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field({ description: "Detected from the file's bytes, not from its name." })
  contentType: string;

  @Field(() => Int, { description: 'In bytes (after images are re-encoded).' })
  size: number;

  @Field({ description: 'Where whoever may read the chat downloads it (with their usual credentials).' })
  url: string;

  @Field(() => Int, { nullable: true, description: 'Images only.' })
  width: number | null;

  @Field(() => Int, { nullable: true, description: 'Images only.' })
  height: number | null;

  @Field(() => String, { nullable: true, description: 'Images only: at most 320 pixels a side (WebP).' })
  thumbnailUrl: string | null;
}

export const toAttachment = (row: AttachmentRow): Attachment => ({
  id: row.id,
  name: row.name,
  contentType: row.contentType,
  size: row.size,
  url: fileUrl(row.id),
  width: row.width,
  height: row.height,
  thumbnailUrl: row.hasThumbnail ? thumbnailUrl(row.id) : null,
});
