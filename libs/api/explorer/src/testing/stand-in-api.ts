import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { buildSchema, graphql } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { explorerRouter } from '../lib/explorer.router';

/** The token the stand-in's login hands out and its WebSocket accepts. */
export const STAND_IN_TOKEN = 'test';

/** Just enough of Parley's schema for the explorer's first tab, plus a ticking subscription. */
const schema = buildSchema(`
  type User { displayName: String! role: String! }
  type AuthPayload { token: String! expiresAt: String! refreshToken: String user: User! }
  type Message { body: String! }
  type Chat {
    id: ID!
    status: String!
    subject: String
    customer: User!
    agent: User
    createdAt: String!
    updatedAt: String!
    lastMessage: Message
  }
  input LoginInput { email: String! password: String! }
  type Query {
    hello: String!
    "The Authorization header the request came with."
    whoami: String
    queue: [Chat!]!
  }
  type Mutation {
    login(input: LoginInput!): AuthPayload!
    "Records the text (as a reply would be sent) and answers how many were sent."
    send(text: String!): Int!
  }
  type Subscription {
    "Ticks 1, 2, 3, then completes."
    tick: Int!
    "Counts 1, 2, 3... every 300 ms, up to 100."
    count: Int!
    "A chat arrives, then an agent accepts it."
    chatUpdated: Chat!
  }
`);

interface Context {
  authorization?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const customer = { displayName: 'Casey Customer', role: 'CUSTOMER' };
const chat = {
  id: 'c6b1f0e2-7d4a-4c1e-9a51-2f0b8e3d9c41',
  subject: 'Where is my order?',
  customer,
  createdAt: '2026-11-25T10:00:00.000Z',
  lastMessage: { body: 'Hello, my parcel has not arrived' },
};

// Texts the send mutation received, in order, for the tests to read.
const sent: string[] = [];

// graphql-js's default resolvers call these with (args, context).
const rootValue = {
  send: ({ text }: { text: string }) => sent.push(text),
  hello: () => 'Hello from the stand-in API',
  whoami: (_args: unknown, ctx: Context) => ctx.authorization ?? null,
  queue: () => [{ ...chat, status: 'QUEUED', agent: null, updatedAt: chat.createdAt }],
  login: () => ({
    token: STAND_IN_TOKEN,
    expiresAt: '2026-11-25T10:15:00.000Z',
    user: { displayName: 'Alex Agent', role: 'AGENT' },
  }),
};

const subscriptionRoot = {
  count: async function* () {
    for (let count = 1; count <= 100; count++) {
      await sleep(300);
      yield { count };
    }
  },
  tick: async function* () {
    for (let tick = 1; tick <= 3; tick++) {
      await sleep(400);
      yield { tick };
    }
  },
  chatUpdated: async function* () {
    await sleep(300);
    yield { chatUpdated: { ...chat, status: 'QUEUED', agent: null, updatedAt: chat.createdAt } };
    await sleep(600);
    yield { chatUpdated: { ...chat, status: 'ACTIVE', agent: { displayName: 'Alex Agent', role: 'AGENT' }, updatedAt: '2026-11-25T10:01:00.000Z' } };
  },
};

export interface StandInApi {
  url: string;
  /** Texts the send mutation received, in order. */
  sent: string[];
  close(): Promise<void>;
}

/**
 * A tiny GraphQL API shaped like Parley's transport (POST /graphql, graphql-ws
 * on the same path, 4403 without a valid token) with the explorer in front.
 */
export async function startStandInApi(options: { assetsDir?: string; contentSecurityPolicy?: string } = {}): Promise<StandInApi> {
  const app = express();
  const { contentSecurityPolicy } = options;
  if (contentSecurityPolicy) {
    // As a server-wide policy (helmet) would: the explorer then keeps it.
    app.use((_req, res, next) => {
      res.setHeader('Content-Security-Policy', contentSecurityPolicy);
      next();
    });
  }
  app.use(explorerRouter(options.assetsDir));
  app.post('/graphql', express.json(), async (req, res) => {
    const { query, variables, operationName } = req.body as { query?: string; variables?: Record<string, unknown>; operationName?: string };
    const contextValue: Context = { authorization: req.headers.authorization };
    res.json(await graphql({ schema, source: query ?? '', rootValue, variableValues: variables, operationName, contextValue }));
  });

  const server: Server = createServer(app);
  const wsServer = new WebSocketServer({ server, path: '/graphql' });
  const graphqlWs = useServer(
    {
      schema,
      roots: { query: rootValue, mutation: rootValue, subscription: subscriptionRoot },
      // Returning false closes the socket with 4403 Forbidden, as Parley does.
      onConnect: (ctx) => ctx.connectionParams?.['authorization'] === `Bearer ${STAND_IN_TOKEN}`,
      context: (ctx): Context => ({ authorization: String(ctx.connectionParams?.['authorization']) }),
    },
    wsServer,
  );

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    async close() {
      await graphqlWs.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
