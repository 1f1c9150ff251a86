/** Where the agent's choice to keep tabs in this browser is kept (the choice only: no content). */
export const REMEMBER_KEY = 'parley-explorer:remember';

/** The Storage shape GraphiQL persists tabs, queries and history through. */
export interface TabStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  clear(): void;
  readonly length: number;
}

/**
 * GraphiQL's storage: memory by default, because its tabs hold what an agent
 * types and receives (a SignIn with its password, tokens in results, the
 * Authorization header). Only when the agent turns "remember" on does it write
 * through to the browser's localStorage; turning it off removes what it wrote.
 */
export class ExplorerStorage implements TabStorage {
  private readonly memory = new Map<string, string>();

  constructor(private readonly browser: Storage | undefined = globalThis.localStorage) {
    if (this.remembering) for (const key of this.ownKeys()) this.memory.set(key, this.browser?.getItem(key) ?? '');
  }

  get remembering(): boolean {
    return this.browser?.getItem(REMEMBER_KEY) === 'on';
  }

  /** Turns writing to the browser on (copying what memory holds) or off (removing it). */
  remember(on: boolean): void {
    if (!this.browser) return;
    if (on) {
      this.browser.setItem(REMEMBER_KEY, 'on');
      for (const [key, value] of this.memory) this.browser.setItem(key, value);
    } else {
      for (const key of this.ownKeys()) this.browser.removeItem(key);
      this.browser.removeItem(REMEMBER_KEY);
    }
  }

  getItem(key: string): string | null {
    return this.memory.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.memory.set(key, value);
    if (this.remembering) this.browser?.setItem(key, value);
  }

  removeItem(key: string): void {
    this.memory.delete(key);
    if (this.remembering) this.browser?.removeItem(key);
  }

  clear(): void {
    this.memory.clear();
    if (this.remembering) for (const key of this.ownKeys()) this.browser?.removeItem(key);
  }

  get length(): number {
    return this.memory.size;
  }

  /** GraphiQL's keys in the browser's storage (it prefixes them with "graphiql:"). */
  private ownKeys(): string[] {
    const keys: string[] = [];
    for (let i = 0; i < (this.browser?.length ?? 0); i++) {
      const key = this.browser?.key(i);
      if (key?.startsWith('graphiql:')) keys.push(key);
    }
    return keys;
  }
}
