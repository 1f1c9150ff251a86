import type { Config } from '@parley/api/config';
import { wsClient, type WsClient } from './graphql-client';
import { createAgent, loginAdmin, registerCustomer, type Person } from './people';
import { startTestServer, type TestServer } from './test-server';

/** The server of an integration spec and the people it names, made once for the file. */
export interface TestCast {
  api: TestServer;
  admin: Person;
  /** The agents, in the order their names were given. */
  agents: Person[];
  /** The customers, in the order their names were given. */
  customers: Person[];
  /** Sockets the spec opened (`socket`); closed after the file's tests. */
  sockets: WsClient[];
  /** A socket to the server, closed with the others after the file's tests. */
  socket(token?: string): WsClient;
}

/**
 * The preamble of an API integration spec, in one place: before the file's
 * tests, a server on a fresh database (`config` overrides; a function is
 * called then, after the file's earlier beforeAll hooks), its admin signed
 * in, the named agents created by that admin and the named customers
 * registered; after them, every socket closed and the server stopped. Call it
 * at the top of the file; its fields are set by the time the spec's own
 * beforeAll runs.
 */
export function useTestServer(setup: { agents?: string[]; customers?: string[]; config?: Partial<Config> | (() => Partial<Config>); timeoutMs?: number } = {}): TestCast {
  const timeout = setup.timeoutMs ?? 60_000;
  const cast = {
    sockets: [] as WsClient[],
    agents: [] as Person[],
    customers: [] as Person[],
    socket(token?: string): WsClient {
      const ws = wsClient(cast.api.wsUrl, token);
      cast.sockets.push(ws);
      return ws;
    },
  } as TestCast;
  beforeAll(async () => {
    cast.api = await startTestServer(typeof setup.config === 'function' ? setup.config() : setup.config);
    cast.admin = await loginAdmin(cast.api);
    const [agents, customers] = await Promise.all([
      Promise.all((setup.agents ?? []).map((name) => createAgent(cast.api, name, cast.admin))),
      Promise.all((setup.customers ?? []).map((name) => registerCustomer(cast.api, name))),
    ]);
    cast.agents.push(...agents);
    cast.customers.push(...customers);
  }, timeout);
  afterAll(async () => {
    await Promise.all(cast.sockets.map((s) => s.dispose()));
    await cast.api?.stop();
  }, timeout);
  return cast;
}
