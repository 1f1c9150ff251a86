import { ArgumentValidationError, buildSchema, getMetadataStorage, type ContainerType } from 'type-graphql';
import { validateSync, type ValidatorOptions } from 'class-validator';
import { DateTimeISOResolver } from 'graphql-scalars';
import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { guardRootFields, roleAuthChecker, type RequestContext } from '@parley/api/core';
import { AuthResolver, UserResolver } from '@parley/api/auth';
import { ChatResolver, MessageResolver, type MessageRow } from '@parley/api/chat';
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
  resolveDirectly<MessageResolver, MessageRow>(schema, container, MessageResolver, 'Message', 'sender', (resolver, message, ctx) => resolver.sender(message, ctx));
  return guardRootFields(schema);
}

/**
 * A field resolved for every item of a list, called straight on its resolver
 * instance. type-graphql's wrapper builds a resolver-data object, sorts and
 * maps the parameter list and converts the root on every call: for a page of
 * fifty messages, a fifth of everything the page allocated went to `sender`
 * that way. Only for fields with no arguments, middleware or roles: building
 * the schema fails if one is added, rather than skip it silently.
 */
function resolveDirectly<R, Root>(
  schema: GraphQLSchema,
  container: ContainerType,
  resolverClass: new (...args: never[]) => R,
  typeName: string,
  fieldName: string,
  call: (resolver: R, root: Root, ctx: RequestContext) => unknown,
): void {
  const type = schema.getType(typeName);
  const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
  if (!field) throw new Error(`no field ${typeName}.${fieldName} to resolve directly`);
  const declared = getMetadataStorage().fieldResolvers.find((r) => r.target === resolverClass && r.schemaName === fieldName);
  if (!declared) throw new Error(`${typeName}.${fieldName} is not a field resolver of ${resolverClass.name}`);
  if (field.args.length || declared.roles !== undefined || declared.middlewares?.length) {
    throw new Error(`${typeName}.${fieldName} has arguments, roles or middleware: type-graphql must run them`);
  }
  // The instance is looked up on first use: the schema is also built to be printed, where no resolver runs.
  let resolver: R | undefined;
  const resolve: GraphQLFieldResolver<Root, RequestContext> = (root, _args, ctx) =>
    call((resolver ??= container.get(resolverClass, {} as never) as R), root, ctx);
  field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
}

/** type-graphql's own defaults for class-validator, with no input echoed back in errors. */
const VALIDATOR_OPTIONS: ValidatorOptions = {
  skipMissingProperties: true,
  forbidUnknownValues: false,
  validationError: { target: false, value: false },
};

/**
 * What type-graphql's built-in validation does, with class-validator imported
 * once (the built-in one resolves `require('class-validator')` again for every
 * argument of every request) and run synchronously: every constraint on
 * Parley's inputs is synchronous, and `validateOrReject` spent a promise per
 * property and per constraint of every input on every send. An asynchronous
 * constraint would be skipped here, so none may be added (schema.spec.ts
 * checks the inputs' constraints are all synchronous).
 */
function validateInput(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const errors = Array.isArray(value)
    ? value.filter((item) => item !== null && typeof item === 'object').flatMap((item) => validateSync(item, VALIDATOR_OPTIONS))
    : validateSync(value, VALIDATOR_OPTIONS);
  if (errors.length) throw new ArgumentValidationError(errors);
}

/** A container for printing the schema, where no resolver ever runs. */
export const schemaOnlyContainer: ContainerType = { get: () => ({}) };
