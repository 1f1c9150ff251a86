import { Directive, forwardRef, input } from '@angular/core';
import { VIRTUAL_SCROLL_STRATEGY } from '@angular/cdk/scrolling';
import { ChatScrollStrategy, type ScrollList } from './chat-scroll-strategy';

/** A CDK virtual scroll viewport laid out as a conversation (ChatScrollStrategy): `[parleyChatScroll]` gives its rows. */
@Directive({
  selector: 'cdk-virtual-scroll-viewport[parleyChatScroll]',
  providers: [{ provide: VIRTUAL_SCROLL_STRATEGY, useFactory: (d: ChatScrollDirective) => d.strategy, deps: [forwardRef(() => ChatScrollDirective)] }],
})
export class ChatScrollDirective {
  /** Read whenever the list lays out: a function, so a new conversation's rows are there before the template has run again. */
  readonly parleyChatScroll = input.required<() => ScrollList | null>();
  readonly strategy = new ChatScrollStrategy(() => this.parleyChatScroll()());
}
