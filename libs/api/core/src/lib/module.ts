import type { DataSource } from 'typeorm';
import type { GraphQLSchema } from 'graphql';
import type { Application } from 'express';
import type { ContainerType } from 'type-graphql';
import type { Config } from '@parley/api/config';
import type { PubSub } from './pubsub';
import type { RateLimits } from './rate-limits';
import type { RequestContext, Viewer } from './context';

/** A service one module makes and others use, named by a typed key the providing lib exports. */
export class ServiceKey<T> {
  /** Only carries T. */
  declare readonly value?: T;
  constructor(readonly name: string) {}
}

/** The services the modules made so far; a module only sees those of modules listed before it. */
export class Services {
  private readonly values = new Map<ServiceKey<unknown>, unknown>();

  provide<T>(key: ServiceKey<T>, value: T): void {
    if (this.values.has(key)) throw new Error(`${key.name} is provided twice`);
    this.values.set(key, value);
  }

  /** A later module extends what an earlier one provided (visitors extend authentication). */
  replace<T>(key: ServiceKey<T>, value: T): void {
    if (!this.values.has(key)) throw new Error(`${key.name} is not provided, so it cannot be replaced`);
    this.values.set(key, value);
  }

  get<T>(key: ServiceKey<T>): T {
    if (!this.values.has(key)) throw new Error(`${key.name} is not provided: list the module that makes it first`);
    return this.values.get(key) as T;
  }
}

/** What the logger of the process offers a module. */
export interface ModuleLogger {
  debug(details: object, message?: string): void;
  info(details: object, message?: string): void;
  warn(details: object, message?: string): void;
  error(details: object, message?: string): void;
}

/** What the server hands every module when it makes it. */
export interface ModuleContext {
  config: Config;
  dataSource: DataSource;
  /** The one pubsub: in-process, or shared through Redis. Each domain types it with its own topics. */
  pubsub: PubSub<Record<string, unknown>>;
  limits: RateLimits;
  logger: ModuleLogger;
  services: Services;
}

// type-graphql's own name for a class it builds resolvers from.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ClassType = Function;

/**
 * A field resolved straight on its resolver instance, past type-graphql's
 * per-call wrapper (docs/decisions/002-resolve-directly.md). Only for fields
 * without middleware or roles whose arguments are all scalars or enums.
 */
export interface DirectField<R = any, Root = any, Args = any> {
  resolver: new (...args: never[]) => R;
  type: string;
  field: string;
  call(resolver: R, root: Root, args: Args, ctx: RequestContext): unknown;
}

/** How often the server pings each WebSocket; an open socket is heard from (alive) at about this pace. */
export const SOCKET_HEARTBEAT_MS = 12_000;

/**
 * Told of every signed-in WebSocket of this instance: when it opens, each
 * time it answers a heartbeat while open, and when it closes. Failures are
 * logged, never fail the socket.
 */
export interface SocketListener {
  opened?(viewer: Viewer, connectionId: string): Promise<void>;
  alive?(viewer: Viewer, connectionId: string): Promise<void>;
  closed?(viewer: Viewer, connectionId: string): Promise<void>;
}

/** A domain's running parts, made once at start. */
export interface ModuleInstance {
  /** One instance of each of the module's resolver classes. */
  resolvers: readonly object[];
  /**
   * Merged into the context of every operation over a socket, so the
   * module's own subscriptions reach its services (keys are the module's own symbols).
   */
  subscriptionContext?: Readonly<Record<symbol, unknown>>;
  /** HTTP routes of its own beside /graphql (uploads), added before the web app's catch-all. */
  http?(app: Application): void;
  /** Hears of this instance's signed-in sockets (presence). */
  sockets?: SocketListener;
  /** After every module is made, in list order, before the server listens. */
  start?(): Promise<void>;
  /** After the server has stopped taking work, in reverse list order. */
  stop?(): Promise<void>;
}

/**
 * One API domain, as the server registers it: its tables, its part of the
 * schema, the live topics it uses, and how to make and run its services.
 * Migrations stay one ordered list (libs/api/database/src/migrations): they
 * are generated from every entity at once and run in timestamp order.
 */
export interface ApiModule {
  name: string;
  entities: readonly ClassType[];
  resolvers: readonly ClassType[];
  /** The pubsub topics it publishes or listens to (their payloads: the domain's `…Topics` type). */
  topics: readonly string[];
  directFields?: readonly DirectField[];
  /**
   * Subscription fields whose every event is executed and serialized once per
   * group of subscribers who see it alike (libs/api/server shared-events.ts):
   * fields that answer from the event alone, with fields below them that vary
   * by the viewer's role, and for a customer by who they are, but never by
   * which agent or admin asks. Who gets an event at all stays each stream's
   * own check.
   */
  sharedEvents?: readonly string[];
  /** Changes to the built schema that reach past the module's own resolvers (run once, after every module's fields are in). */
  adjustSchema?(schema: GraphQLSchema, container: ContainerType): void;
  create(ctx: ModuleContext): ModuleInstance | Promise<ModuleInstance>;
}

/** Lets a module name its value with its types checked. */
export const defineModule = (module: ApiModule): ApiModule => module;
