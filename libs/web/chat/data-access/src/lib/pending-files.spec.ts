import { TestBed } from '@angular/core/testing';
import { AttachmentClient, refusalText, type UploadedFile } from './attachment-client';
import { PendingFiles, providePendingFiles } from './pending-files';

/** Stands in for POST /uploads: refuses files named "refused…", answers the rest once `settle` is called. */
class UploadsHere {
  readonly started: string[] = [];
  private readonly waiting: Array<() => void> = [];
  upload(file: File): Promise<UploadedFile> {
    this.started.push(file.name);
    return new Promise((resolve, reject) =>
      this.waiting.push(() =>
        file.name.startsWith('refused')
          ? reject(new Error(refusalText(file.name, { message: 'no', extensions: { code: 'BAD_USER_INPUT', reason: 'TYPE_REFUSED' } })))
          : resolve({ id: `id-${file.name}`, name: file.name, contentType: 'text/plain', size: file.size, url: `/uploads/id-${file.name}`, width: null, height: null, thumbnailUrl: null }),
      ),
    );
  }
  async settle(): Promise<void> {
    for (const done of this.waiting.splice(0)) done();
    await new Promise((resolve) => setTimeout(resolve));
  }
}

const file = (name: string) => new File(['x'], name, { type: 'text/plain' });

describe('PendingFiles', () => {
  let uploads: UploadsHere;
  let files: PendingFiles;

  beforeEach(() => {
    uploads = new UploadsHere();
    TestBed.configureTestingModule({ providers: [providePendingFiles(), { provide: AttachmentClient, useValue: uploads }] });
    files = TestBed.inject(PendingFiles);
  });

  it('uploads at once, and a message carries at most 5 files: the rest are refused with a reason', async () => {
    expect(files.add([file('a.txt'), file('b.txt')])).toBeNull();
    const refusal = files.add(['c', 'd', 'e', 'f'].map((n) => file(`${n}.txt`)));
    expect(refusal).toBe('A message can carry at most 5 files.');
    expect(files.files().map((f) => [f.name, f.state])).toEqual([['a.txt', 'uploading'], ['b.txt', 'uploading'], ['c.txt', 'uploading'], ['d.txt', 'uploading'], ['e.txt', 'uploading']]);
    await uploads.settle();
    expect(files.uploaded().map((f) => f.id)).toEqual(['id-a.txt', 'id-b.txt', 'id-c.txt', 'id-d.txt', 'id-e.txt']);
  });

  it('keeps a refused file with its reason, and names only the uploaded ones', async () => {
    files.add([file('notes.txt'), file('refused.exe')]);
    await uploads.settle();
    expect(files.files()[1]).toMatchObject({ state: 'failed', error: '\u2068refused.exe\u2069 can’t be sent: this kind of file isn’t accepted.' });
    expect(files.uploaded().map((f) => f.name)).toEqual(['notes.txt']);
    files.remove(files.files()[1].key);
    files.clear();
    expect(files.files()).toEqual([]);
  });
});

describe('refusalText', () => {
  it('says why an upload was refused, naming the limit', () => {
    expect(refusalText('big.zip', { message: 'x', extensions: { code: 'BAD_USER_INPUT', reason: 'TOO_LARGE', maxBytes: 10 * 1024 * 1024 } })).toBe(
      '\u2068big.zip\u2069 is too large: a file may be at most \u206810 MB\u2069.',
    );
    expect(refusalText('a.png', { message: 'x', extensions: { code: 'RATE_LIMITED', reason: 'QUOTA_EXCEEDED' } })).toBe('You’ve sent as many files as allowed today. Try again later.');
    expect(refusalText('a.png', undefined)).toBe('The file could not be uploaded.');
  });
});
