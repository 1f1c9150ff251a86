import { HandoverWaitKind, waitWords, type HandoverWait } from './message-notice';

/** When a person will answer, or null for the usual wait (the team module says: business hours, who is online). */
export type HandoverWaitSource = () => Promise<HandoverWait | null>;

const USUAL_WAIT: HandoverWait = { wait: HandoverWaitKind.SHORTLY };

/** What a customer handed to a person is told about the wait (the bot's handover, requestHuman). */
export class HandoverWords {
  private source: HandoverWaitSource = async () => null;

  /** Lets the team say when a person will answer (outside business hours, nobody online). */
  set(source: HandoverWaitSource): void {
    this.source = source;
  }

  /** The wait now: SHORTLY, or what the team says instead; SHORTLY if it cannot tell. */
  async wait(): Promise<HandoverWait> {
    try {
      return (await this.source()) ?? USUAL_WAIT;
    } catch {
      return USUAL_WAIT;
    }
  }

  /** "an agent will be with you shortly", or what the team says instead, in English (the bot's replies). */
  async words(): Promise<string> {
    return waitWords(await this.wait());
  }
}
