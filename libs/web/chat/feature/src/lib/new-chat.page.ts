import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { LIMITS } from '@parley/shared/limits';
import { AttachmentClient, ChatListStore, DraftStore, PendingFiles, SupportStatusStore, providePendingFiles } from '@parley/web/chat/data-access';
import { ATTACHMENT_FILES, PendingFilesComponent, SupportStatusNoteComponent, composerHint } from '@parley/web/chat/ui';
import { describeError, type AppError } from '@parley/web/shared/data-access';
import { SpinnerComponent } from '@parley/web/shared/ui';
import { newClientId } from '@parley/web/shared/util';

const SUBJECT_DRAFT = 'new.subject';
const MESSAGE_DRAFT = 'new.message';

/** Opening a conversation: an optional subject and the first message; a note when nobody can answer now. */
@Component({
  selector: 'parley-new-chat-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, SpinnerComponent, PendingFilesComponent, SupportStatusNoteComponent],
  providers: [providePendingFiles(), { provide: ATTACHMENT_FILES, useExisting: AttachmentClient }],
  templateUrl: './new-chat.page.html',
  styleUrl: './new-chat.page.css',
})
export class NewChatPage {
  private readonly list = inject(ChatListStore);
  private readonly drafts = inject(DraftStore);
  private readonly router = inject(Router);
  protected readonly support = inject(SupportStatusStore);
  /** Files sent with the first message (uploaded as soon as they are chosen). */
  protected readonly uploads = inject(PendingFiles);
  protected readonly filesError = signal<string | null>(null);

  protected readonly limits = LIMITS;
  protected readonly subject = signal(this.drafts.get(SUBJECT_DRAFT));
  protected readonly message = signal(this.drafts.get(MESSAGE_DRAFT));
  protected readonly submitting = signal(false);
  protected readonly submitted = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly serverErrors = signal<Record<string, string>>({});
  protected readonly hint = computed(() => composerHint(this.message().length, LIMITS.messageBodyMax));

  /** One id per attempt at this form: a double submit or a retry opens one chat, not two. */
  private clientMessageId = newClientId();

  protected readonly messageError = computed(() => {
    const server = this.serverErrors()['message'];
    if (server) return server;
    if (this.submitted() && this.message().trim() === '') return $localize`:@@site.new.required:Tell us what you need help with.`;
    return null;
  });
  protected readonly subjectError = computed(() => this.serverErrors()['subject'] ?? null);

  constructor() {
    // Kept fresh while the page shows: the note follows the team coming online or going away.
    inject(DestroyRef).onDestroy(this.support.watch());
  }

  protected onSubject(value: string): void {
    this.subject.set(value);
    this.drafts.set(SUBJECT_DRAFT, value);
    this.clearServerError('subject');
  }

  protected onMessage(value: string): void {
    this.message.set(value);
    this.drafts.set(MESSAGE_DRAFT, value);
    this.clearServerError('message');
  }

  protected onMessageKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.submit();
    }
  }

  protected pickFiles(event: Event): void {
    const picker = event.target as HTMLInputElement;
    const chosen = Array.from(picker.files ?? []);
    picker.value = '';
    this.filesError.set(chosen.length ? this.uploads.add(chosen) : null);
  }

  protected submit(): void {
    this.submitted.set(true);
    this.formError.set(null);
    const message = this.message().trim();
    if (!message) {
      queueMicrotask(() => document.getElementById('new-chat-message')?.focus());
      return;
    }
    if (this.uploads.uploading()) {
      this.formError.set($localize`:@@site.new.waitForFiles:Wait until your files are uploaded, then start the conversation.`);
      queueMicrotask(() => document.querySelector<HTMLElement>('.new-chat .form-error')?.focus());
      return;
    }
    if (this.submitting()) return;
    this.submitting.set(true);
    const subject = this.subject().trim() || null;
    const attachmentIds = this.uploads.ready().map((f) => f.id);
    this.list.start({ subject, message, clientMessageId: this.clientMessageId, ...(attachmentIds.length ? { attachmentIds } : {}) }).subscribe({
      next: (chat) => {
        this.drafts.clear(SUBJECT_DRAFT);
        this.drafts.clear(MESSAGE_DRAFT);
        this.uploads.clear();
        this.clientMessageId = newClientId();
        void this.router.navigate(['/chats', chat.id]);
      },
      error: (error: AppError) => {
        this.submitting.set(false);
        if (error.code === 'BAD_USER_INPUT' && Object.keys(error.fields).length) {
          this.serverErrors.set(error.fields);
          const first = error.fields['subject'] ? 'new-chat-subject' : 'new-chat-message';
          queueMicrotask(() => document.getElementById(first)?.focus());
        } else {
          this.formError.set(describeError(error));
        }
      },
    });
  }

  private clearServerError(field: string): void {
    if (!this.serverErrors()[field]) return;
    const { [field]: _cleared, ...rest } = this.serverErrors();
    this.serverErrors.set(rest);
  }
}
