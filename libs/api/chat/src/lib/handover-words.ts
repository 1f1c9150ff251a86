/** When a person will answer, in words, or null for the usual words (the team module says: business hours, who is online). */
export type HandoverWait = () => Promise<string | null>;

const USUAL_WAIT = 'an agent will be with you shortly';

/** What a customer handed to a person is told about the wait (the bot's handover, requestHuman). */
export class HandoverWords {
  private wait: HandoverWait = async () => null;

  /** Lets the team say when a person will answer (outside business hours, nobody online). */
  set(wait: HandoverWait): void {
    this.wait = wait;
  }

  /** "an agent will be with you shortly", or what the team says instead; the usual words if it cannot tell. */
  async words(): Promise<string> {
    try {
      return (await this.wait()) ?? USUAL_WAIT;
    } catch {
      return USUAL_WAIT;
    }
  }
}
