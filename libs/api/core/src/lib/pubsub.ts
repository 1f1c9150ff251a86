import { EventEmitter } from 'node:events';

export type Listener<T> = (payload: T) => void;

/**
 * Typed publish/subscribe for live updates. Topics are keyed (for example a
 * chat id) so a subscriber only hears its own chat. Listeners attach
 * synchronously, so a subscriber can start buffering before it reads the
 * database and miss nothing in between.
 */
export interface PubSub<Topics extends Record<string, unknown>> {
  publish<K extends keyof Topics & string>(topic: K, key: string, payload: Topics[K]): Promise<void>;
  subscribe<K extends keyof Topics & string>(topic: K, key: string, listener: Listener<Topics[K]>): () => void;
  /** Resolves once other instances' events on this topic and key reach this one (shared pubsubs only). */
  ready?<K extends keyof Topics & string>(topic: K, key: string): Promise<void>;
  /** Calls `listener` when events may have been lost (the shared bus was away and is back); returns a function to stop. */
  onResync?(listener: () => void): () => void;
  close(): Promise<void>;
}

/** In-process pubsub: one instance only. */
export class LocalPubSub<Topics extends Record<string, unknown>> implements PubSub<Topics> {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  async publish<K extends keyof Topics & string>(topic: K, key: string, payload: Topics[K]): Promise<void> {
    this.emitter.emit(`${topic}:${key}`, payload);
  }

  subscribe<K extends keyof Topics & string>(topic: K, key: string, listener: Listener<Topics[K]>): () => void {
    const channel = `${topic}:${key}`;
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
