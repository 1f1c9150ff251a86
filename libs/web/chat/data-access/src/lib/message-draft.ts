import { Injectable, inject, signal } from '@angular/core';
import { ConversationStore } from './conversation.store';
import { DraftStore } from './draft.store';
import { PendingFiles } from './pending-files';

/**
 * What the customer is writing in the open conversation (the site's page, the
 * widget's panel): the text, kept per chat in the drafts and told to the
 * typing notifier, and the files to go with it. Provided beside the
 * conversation's ConversationStore and PendingFiles.
 */
@Injectable()
export class MessageDraft {
  private readonly store = inject(ConversationStore);
  private readonly drafts = inject(DraftStore);
  /** Files for the next message: uploading, uploaded (their ids go with it) or refused. */
  readonly files = inject(PendingFiles);
  private readonly value = signal('');
  readonly text = this.value.asReadonly();
  private chatId = '';

  /** Another conversation on screen: its unsent text comes back. */
  open(chatId: string): void {
    this.chatId = chatId;
    this.value.set(this.drafts.get(chatId));
  }

  edit(text: string): void {
    this.value.set(text);
    this.drafts.set(this.chatId, text);
    this.store.typed(text);
  }

  /** Uploads each file at once (at most the message's limit); one refused is said as the conversation's error. */
  addFiles(chosen: File[]): void {
    const refused = this.files.add(chosen);
    if (refused) this.store.actionError.set(refused);
  }

  /** Sends the text with the uploaded files; true once it went, the box and its draft emptied. */
  send(text: string): boolean {
    if (!this.store.send(text, this.files.uploaded())) return false;
    this.files.clear();
    this.value.set('');
    this.drafts.clear(this.chatId);
    return true;
  }
}
