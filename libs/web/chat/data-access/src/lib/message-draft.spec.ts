import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import type { UploadedFile } from './attachment-client';
import { ConversationStore } from './conversation.store';
import { DraftStore } from './draft.store';
import { MessageDraft } from './message-draft';
import { PendingFiles } from './pending-files';

/** The conversation store's side of a draft: what was typed and sent, and whether sending is allowed. */
class ConversationHere {
  readonly typedTexts: string[] = [];
  readonly sent: Array<{ text: string; files: string[] }> = [];
  readonly actionError = signal<string | null>(null);
  accepts = true;
  typed(text: string): void {
    this.typedTexts.push(text);
  }
  send(text: string, files: UploadedFile[]): boolean {
    if (this.accepts) this.sent.push({ text, files: files.map((f) => f.id) });
    return this.accepts;
  }
}

const uploaded = (file: File): Promise<UploadedFile> =>
  Promise.resolve({ id: `id-${file.name}`, name: file.name, contentType: 'text/plain', size: file.size, url: '', width: null, height: null, thumbnailUrl: null });
const file = (name: string) => new File(['x'], name, { type: 'text/plain' });

describe('MessageDraft', () => {
  let conversation: ConversationHere;
  let draft: MessageDraft;

  beforeEach(() => {
    sessionStorage.clear();
    conversation = new ConversationHere();
    TestBed.configureTestingModule({
      providers: [MessageDraft, { provide: ConversationStore, useValue: conversation }, { provide: PendingFiles, useValue: new PendingFiles(uploaded) }],
    });
    draft = TestBed.inject(MessageDraft);
  });

  it('keeps each conversation’s unsent text, and tells the store what is typed', () => {
    draft.open('chat-1');
    draft.edit('Where is my');
    draft.open('chat-2');
    expect(draft.text()).toBe('');
    draft.open('chat-1');
    expect(draft.text()).toBe('Where is my');
    expect(TestBed.inject(DraftStore).get('chat-1')).toBe('Where is my');
    expect(conversation.typedTexts).toEqual(['Where is my']);
  });

  it('sends the text with the uploaded files, then empties the box, its draft and the files', async () => {
    draft.open('chat-1');
    draft.addFiles([file('a.txt')]);
    await new Promise((resolve) => setTimeout(resolve));
    draft.edit('Here it is');
    expect(draft.send('Here it is')).toBe(true);
    expect(conversation.sent).toEqual([{ text: 'Here it is', files: ['id-a.txt'] }]);
    expect([draft.text(), TestBed.inject(DraftStore).get('chat-1'), draft.files.files().length]).toEqual(['', '', 0]);
  });

  it('keeps everything when the store does not send, and says a refused file as the conversation’s error', () => {
    draft.open('chat-1');
    draft.edit('Not yet');
    conversation.accepts = false;
    expect(draft.send('Not yet')).toBe(false);
    expect(draft.text()).toBe('Not yet');
    draft.addFiles(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => file(`${n}.txt`)));
    expect(conversation.actionError()).toBe('A message can carry at most 5 files.');
  });
});
