import { ChangeDetectionStrategy, Component, ElementRef, computed, input, output, signal, viewChildren } from '@angular/core';

export interface ChatRatingChoice {
  rating: number;
  comment: string;
}

/** Longest comment the API takes with a rating. */
export const RATING_COMMENT_MAX = 1000;

let nextId = 0;

/** "4 out of 5: good", for each star's label and for the rating once given. */
export function ratingWords(rating: number): string {
  switch (rating) {
    case 1:
      return $localize`:@@rating.star1:1 out of 5: very poor`;
    case 2:
      return $localize`:@@rating.star2:2 out of 5: poor`;
    case 3:
      return $localize`:@@rating.star3:3 out of 5: okay`;
    case 4:
      return $localize`:@@rating.star4:4 out of 5: good`;
    default:
      return $localize`:@@rating.star5:5 out of 5: excellent`;
  }
}

/**
 * "How was this conversation?" after a chat closed: five stars as a native
 * radio group (arrow keys move, each star has a spoken label), an optional
 * comment, "Send" and "No thanks"; once rated, the rating it was given.
 * Presentational: the page decides when to ask and saves the answer.
 */
@Component({
  selector: 'parley-chat-rating',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './chat-rating.component.html',
  styleUrl: './chat-rating.component.css',
})
export class ChatRatingComponent {
  /** The chat's rating: null asks for one, a number shows it. */
  readonly rating = input<number | null>(null);
  readonly saving = input(false);
  /** Why the last rating was not saved. */
  readonly error = input<string | null>(null);
  readonly rate = output<ChatRatingChoice>();
  readonly dismiss = output<void>();

  protected readonly id = `chat-rating-${nextId++}`;
  protected readonly stars = [1, 2, 3, 4, 5];
  protected readonly commentMax = RATING_COMMENT_MAX;
  protected readonly chosen = signal<number | null>(null);
  protected readonly comment = signal('');
  protected readonly missing = signal(false);
  protected readonly words = ratingWords;
  protected readonly ratedText = computed(() => {
    const rating = this.rating();
    return rating === null ? '' : $localize`:@@rating.given:You rated this conversation ${ratingWords(rating)}:rating:. Thank you!`;
  });
  private readonly radios = viewChildren<ElementRef<HTMLInputElement>>('radio');

  protected choose(rating: number): void {
    this.chosen.set(rating);
    this.missing.set(false);
  }

  protected submit(): void {
    const rating = this.chosen();
    if (rating === null) {
      this.missing.set(true);
      this.radios()[0]?.nativeElement.focus();
      return;
    }
    if (!this.saving()) this.rate.emit({ rating, comment: this.comment() });
  }
}
