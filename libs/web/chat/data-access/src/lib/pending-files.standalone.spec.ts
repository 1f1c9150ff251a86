import '@angular/localize/init';
import { LIMITS } from '@parley/shared/limits';
import type { UploadedFile } from './attachment-client';
import { PendingFiles } from './pending-files';

const uploaded = (id: string): UploadedFile => ({ id, name: id, contentType: 'text/plain', size: 1, url: `/uploads/${id}`, width: null, height: null, thumbnailUrl: null });
const file = (name: string) => new File(['x'], name, { type: 'text/plain' });

describe('PendingFiles', () => {
  it('uploads each file at once, carries the uploaded ones in order, and keeps a refusal in its words', async () => {
    const answers: Array<{ name: string; done: (f: UploadedFile) => void; fail: (e: Error) => void }> = [];
    const files = new PendingFiles((f) => new Promise((done, fail) => answers.push({ name: f.name, done, fail })));
    expect(files.add([file('a.txt'), file('b.exe'), file('c.txt')])).toBeNull();
    expect(files.uploading()).toBe(true);
    expect(answers.map((a) => a.name)).toEqual(['a.txt', 'b.exe', 'c.txt']);
    answers[2].done(uploaded('c'));
    answers[1].fail(new Error('That kind of file is not accepted.'));
    answers[0].done(uploaded('a'));
    await Promise.resolve();
    await Promise.resolve();
    expect(files.uploading()).toBe(false);
    expect(files.ready().map((f) => f.id)).toEqual(['a', 'c']);
    expect(files.files().find((f) => f.name === 'b.exe')).toMatchObject({ state: 'failed', error: 'That kind of file is not accepted.' });
  });

  it('takes no more than a message carries, says so, and forgets a file removed while it uploads', async () => {
    let finish: (f: UploadedFile) => void = () => undefined;
    const files = new PendingFiles(() => new Promise((done) => (finish = done)));
    const many = Array.from({ length: LIMITS.attachmentsPerMessageMax + 2 }, (_, i) => file(`${i}.txt`));
    expect(files.add(many)).toContain(String(LIMITS.attachmentsPerMessageMax));
    expect(files.files()).toHaveLength(LIMITS.attachmentsPerMessageMax);
    const last = files.files()[LIMITS.attachmentsPerMessageMax - 1];
    files.remove(last.key);
    finish(uploaded('late'));
    await Promise.resolve();
    expect(files.files().some((f) => f.key === last.key)).toBe(false);
    files.clear();
    expect(files.files()).toEqual([]);
  });
});
