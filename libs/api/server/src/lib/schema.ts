import { ArgumentValidationError, buildSchema, type ContainerType } from 'type-graphql';
import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
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
    validateFn: validateInput,
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

/** type-graphql's own defaults for class-validator, with no input echoed back in errors. */
const VALIDATOR_OPTIONS: ValidatorOptions = {
  skipMissingProperties: true,
  forbidUnknownValues: false,
  validationError: { target: false, value: false },
};

/**
 * What type-graphql's built-in validation does, with class-validator imported
 * once: the built-in one resolves `require('class-validator')` again for every
 * argument of every request, a measurable share of a send's CPU.
 */
async function validateInput(value: unknown): Promise<void> {
  if (value === null || typeof value !== 'object') return;
  try {
    if (Array.isArray(value)) await Promise.all(value.filter((item) => item !== null && typeof item === 'object').map((item) => validateOrReject(item, VALIDATOR_OPTIONS)));
    else await validateOrReject(value, VALIDATOR_OPTIONS);
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
}

/** A container for printing the schema, where no resolver ever runs. */
export const schemaOnlyContainer: ContainerType = { get: () => ({}) };
