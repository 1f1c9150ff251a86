import sharp from 'sharp';
import { cleanName } from './attachment.service';
import { inspectFile, RefusedType, THUMBNAIL_SIZE } from './inspect-file';

// file-type is an ES module: its dynamic import needs Jest's VM modules (npm test runs with them).
const esm = Boolean(process.env['NODE_OPTIONS']?.includes('--experimental-vm-modules'));
const maybe = esm ? it : it.skip;

describe('inspectFile', () => {
  maybe('re-encodes images without their metadata, turned upright, with a thumbnail at most 320 pixels a side', async () => {
    // A tall photo stored sideways: EXIF orientation 6 says "turn it 90°".
    const photo = await sharp({ create: { width: 1200, height: 400, channels: 3, background: '#224466' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100' } })
      .toBuffer();
    const file = await inspectFile(photo);
    expect(file.contentType).toBe('image/jpeg');
    expect(file.image).toMatchObject({ width: 400, height: 1200 });
    const meta = await sharp(file.data).metadata();
    expect([meta.exif, meta.orientation]).toEqual([undefined, undefined]);
    const thumb = await sharp(file.image?.thumbnail).metadata();
    expect([thumb.format, Math.max(thumb.width ?? 0, thumb.height ?? 0)]).toEqual(['webp', THUMBNAIL_SIZE]);
  });

  maybe.each([
    ['HTML', '<!DOCTYPE html><p>hi</p>'],
    ['SVG', '<svg xmlns="http://www.w3.org/2000/svg"></svg>'],
    ['XML', '<?xml version="1.0"?><a/>'],
    ['binary junk', '\u0000\u0001\u0002binary'],
  ])('refuses %s', async (_what, text) => {
    await expect(inspectFile(Buffer.from(text))).rejects.toBeInstanceOf(RefusedType);
  });

  maybe('refuses an image it cannot decode, and takes plain text as text', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    await expect(inspectFile(png.subarray(0, 40))).rejects.toBeInstanceOf(RefusedType);
    expect((await inspectFile(Buffer.from('Grüße, order 12\n'))).contentType).toBe('text/plain');
  });
});

describe('cleanName', () => {
  it('keeps the name, never a folder, control characters or markup', () => {
    expect(cleanName('C:\\Users\\me\\photo.jpg')).toBe('photo.jpg');
    expect(cleanName('../../etc/passwd')).toBe('passwd');
    expect(cleanName('a\u0000b<script>.txt')).toBe('abscript.txt');
    expect(cleanName('   ')).toBe('file');
    expect(cleanName('x'.repeat(300))).toHaveLength(200);
  });
});
