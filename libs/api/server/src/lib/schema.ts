import { buildSchema, type ContainerType } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';
import type { GraphQLSchema } from 'graphql';
import { guardRootFields, roleAuthChecker } from '@parley/api/core';
import { AuthResolver, UserResolver } from '@parley/api/auth';
import { ChatResolver, MessageResolver } from '@parley/api/chat';
import { ArticleResolver, AssistResolver } from '@parley/api/assist';

export const RESOLVERS = [AuthResolver, UserResolver, ChatResolver, MessageResolver, ArticleResolver, AssistResolver] as const;

/**
 * The whole public schema, code-first. Resolvers come from `container`, which
 * hands out the instances the server built with their services.
 */
export async function buildParleySchema(container: ContainerType): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...RESOLVERS],
    container,
    authChecker: roleAuthChecker,
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
    scalarsMap: [{ type: Date, scalar: DateTimeISOResolver }],
    // Every subscription brings its own `subscribe` (replay, filtering), so
    // type-graphql's topic-based pubsub is never used; it only insists on having one.
    pubSub: {
      publish: () => undefined,
      subscribe: () => {
        throw new Error('topic subscriptions are not used');
      },
    },
  });
  return guardRootFields(schema);
}

/** A container for printing the schema, where no resolver ever runs. */
export const schemaOnlyContainer: ContainerType = { get: () => ({}) };
