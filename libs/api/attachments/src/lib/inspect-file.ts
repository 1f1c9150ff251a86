import sharp from 'sharp';

/** Images re-encoded (their metadata, GPS included, left behind) and thumbnailed; shown inline. */
const IMAGE_FORMATS: Record<string, 'jpeg' | 'png' | 'webp' | 'gif'> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/** Other types taken as they are, and only ever served as downloads. */
const DOWNLOAD_TYPES = new Set([
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-7z-compressed',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/msword',
  'application/vnd.ms-excel',
  'application/x-cfb',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/x-wav',
  'audio/mp4',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'image/heic',
  'image/avif',
  'image/tiff',
  'image/bmp',
]);

/** Markup a browser would run if it ever rendered the file: never taken, whatever the name says. */
const MARKUP = /<\s*(!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|meta|style|link|img|a\s)/i;

/** What an upload turned out to be, and the bytes to keep. */
export interface InspectedFile {
  contentType: string;
  data: Buffer;
  image?: { width: number; height: number; thumbnail: Buffer };
}

export class RefusedType extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Largest thumbnail side, in pixels. */
export const THUMBNAIL_SIZE = 320;
/** Images larger than this many pixels are refused before they are decoded (a "decompression bomb"). */
const MAX_PIXELS = 40_000_000;

/** The type from the bytes (file-type), never from the name; images re-encoded; markup, programs and unknown binaries refused. */
export async function inspectFile(data: Buffer): Promise<InspectedFile> {
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = await fileTypeFromBuffer(data);
  if (detected && IMAGE_FORMATS[detected.mime]) return reencodeImage(data, IMAGE_FORMATS[detected.mime]);
  if (detected) {
    if (DOWNLOAD_TYPES.has(detected.mime)) return { contentType: detected.mime, data };
    throw new RefusedType(`files of type ${detected.mime} are not accepted`);
  }
  // No signature: plain text is taken (served as a download); anything else is not.
  if (!isPlainText(data)) throw new RefusedType('only images, documents, archives, audio, video and plain text are accepted');
  return { contentType: 'text/plain', data };
}

function isPlainText(data: Buffer): boolean {
  if (data.includes(0)) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return false;
  }
  return !MARKUP.test(text);
}

async function reencodeImage(data: Buffer, format: 'jpeg' | 'png' | 'webp' | 'gif'): Promise<InspectedFile> {
  const animated = format === 'gif' || format === 'webp';
  try {
    // Output without withMetadata(): EXIF (GPS, camera), XMP and IPTC stay behind; rotate() applies the EXIF orientation first.
    const encoded = await sharp(data, { animated, limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .rotate()
      .toFormat(format, format === 'jpeg' ? { quality: 88, mozjpeg: true } : {})
      .toBuffer();
    const meta = await sharp(encoded).metadata();
    const thumbnail = await sharp(encoded, { animated: false })
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return {
      contentType: `image/${format}`,
      data: encoded,
      image: { width: meta.width ?? 0, height: meta.pageHeight ?? meta.height ?? 0, thumbnail },
    };
  } catch {
    throw new RefusedType('the image cannot be read');
  }
}
