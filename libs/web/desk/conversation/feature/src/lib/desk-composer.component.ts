import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, Injector, afterNextRender, computed, effect, inject, input, model, output, signal, untracked, viewChild, viewChildren } from '@angular/core';
import { ActiveDescendantKeyManager } from '@angular/cdk/a11y';
import { Subject, take } from 'rxjs';
import { LIMITS } from '@parley/shared/limits';
import { describeError, toAppError } from '@parley/web/shared/data-access';
import { AttachButtonComponent, PendingFilesComponent, filesOf } from '@parley/web/chat/ui';
import { cannedQuery, cannedSuggestions, type DeskConversation } from '@parley/web/desk/conversation/data-access';
import { TeamStore, type CannedReply } from '@parley/web/desk/inbox/data-access';
import { CannedOptionDirective } from './canned-option.directive';

/**
 * The agent's composer: reply or private note, canned replies found on the
 * server after "/" once typing pauses (a listbox driven by the CDK's key
 * manager while focus stays in the text), and files for the reply (button,
 * paste, drop).
 */
@Component({
  selector: 'parley-desk-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AttachButtonComponent, PendingFilesComponent, CannedOptionDirective],
  templateUrl: './desk-composer.component.html',
  styleUrl: './desk-composer.component.css',
})
export class DeskComposerComponent {
  readonly conversation = input.required<DeskConversation>();
  readonly canReply = input(false);
  /** Writing a private note (for the team alone) instead of a reply. */
  readonly noteMode = model(false);
  /** A reply or note went out (the page scrolls to it). */
  readonly sent = output<void>();
  /** Escape: back to the list. */
  readonly leave = output<void>();
  /** What went wrong, for the page's notice. */
  readonly problem = output<string>();

  private readonly team = inject(TeamStore);
  private readonly injector = inject(Injector);
  private readonly field = viewChild.required<ElementRef<HTMLTextAreaElement>>('field');
  protected readonly maxLength = LIMITS.messageBodyMax;
  protected readonly replyPlaceholder = $localize`:@@desk.composer.placeholder:Write a reply…`;
  protected readonly notePlaceholder = $localize`:@@desk.composer.notePlaceholder:Write a note for the team…`;
  protected readonly dragging = signal(false);

  /** Canned replies for what follows "/", as the server found them. */
  protected readonly canned = signal<readonly CannedReply[]>([]);
  private readonly options = viewChildren(CannedOptionDirective);
  private readonly keys = new ActiveDescendantKeyManager(this.options, this.injector).withWrap().withHomeAndEnd();
  protected readonly activeOption = signal<string | null>(null);
  private readonly lookups = new Subject<string | null>();
  protected readonly files = computed(() => this.conversation().files.files());
  protected readonly uploading = computed(() => this.conversation().files.uploading());

  constructor() {
    const found = cannedSuggestions(this.lookups, (query) => this.team.searchCanned(query)).subscribe((replies) => this.canned.set(replies));
    const moved = this.keys.change.subscribe(() => this.activeOption.set(this.keys.activeItem?.id() ?? null));
    inject(DestroyRef).onDestroy(() => {
      found.unsubscribe();
      moved.unsubscribe();
    });
    // new suggestions: the first one is active
    effect(() => {
      if (this.options().length) untracked(() => this.keys.setFirstItemActive());
      else this.activeOption.set(null);
    });
    // another chat on screen: no suggestions from the last one
    effect(() => {
      this.conversation();
      untracked(() => this.lookups.next(null));
    });
  }

  focus(): void {
    this.field().nativeElement.focus();
  }

  protected onInput(event: Event): void {
    const text = (event.target as HTMLTextAreaElement).value;
    this.conversation().setDraft(text);
    this.lookups.next(this.noteMode() ? null : cannedQuery(text));
  }

  protected onKey(event: KeyboardEvent): void {
    if (this.canned().length && !event.shiftKey) {
      if (['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) {
        event.preventDefault();
        this.keys.onKeydown(event);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        const reply = this.canned()[this.keys.activeItemIndex ?? 0];
        event.preventDefault();
        if (reply) this.pick(reply);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        this.lookups.next(null);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      const query = this.noteMode() ? null : cannedQuery(this.conversation().draft());
      if (query === null) this.send();
      else this.pickFirstOrSend(query);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      this.leave.emit();
    }
  }

  protected pick(reply: CannedReply): void {
    this.conversation().setDraft(reply.body);
    this.lookups.next(null);
    const field = this.field().nativeElement;
    field.value = reply.body;
    field.focus();
  }

  /**
   * Enter on "/shortcut" before the suggestions came (typing had not paused yet): the first match, as
   * if the list had been open; the text as typed when nothing matches.
   */
  private pickFirstOrSend(query: string): void {
    this.lookups.next(null);
    const draft = this.conversation().draft();
    this.team
      .searchCanned(query)
      .pipe(take(1))
      .subscribe((replies) => {
        if (this.conversation().draft() !== draft) return;
        if (replies[0]) this.pick(replies[0]);
        else this.send();
      });
  }

  protected send(): void {
    const conversation = this.conversation();
    if (this.noteMode()) {
      conversation.addNote(conversation.draft()).then(
        (added) => added && this.sent.emit(),
        (e: unknown) => this.problem.emit(describeError(toAppError(e))),
      );
    } else if (conversation.send()) this.sent.emit();
  }

  protected setMode(note: boolean): void {
    this.noteMode.set(note);
    this.lookups.next(null);
    afterNextRender(() => this.focus(), { injector: this.injector });
  }

  protected addFiles(files: File[]): void {
    const refused = this.conversation().files.add(files);
    if (refused) this.problem.emit(refused);
  }

  protected removeFile(key: string): void {
    this.conversation().files.remove(key);
  }

  protected onPaste(event: ClipboardEvent): void {
    const files = filesOf(event.clipboardData);
    if (this.noteMode() || !files.length) return;
    event.preventDefault();
    this.addFiles(files);
  }

  protected onDragOver(event: DragEvent): void {
    if (this.noteMode() || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this.dragging.set(true);
  }

  protected onDrop(event: DragEvent): void {
    this.dragging.set(false);
    const files = filesOf(event.dataTransfer);
    if (this.noteMode() || !files.length) return;
    event.preventDefault();
    this.addFiles(files);
  }
}
