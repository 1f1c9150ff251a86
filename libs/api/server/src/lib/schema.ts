import { buildSchema, getMetadataStorage, type ContainerType } from 'type-graphql';
import { DateTimeISOResolver } from 'graphql-scalars';
import { getNamedType, isLeafType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { guardRootFields, roleAuthChecker, type ClassType, type DirectField, type RequestContext } from '@parley/api/core';
import { MODULES } from './modules';

export const RESOLVERS = MODULES.flatMap((module) => module.resolvers) as [ClassType, ...ClassType[]];

/**
 * The whole public schema, code-first. Resolvers come from `container`, which
 * hands out the instances the server built with their services.
 */
export async function buildParleySchema(container: ContainerType): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    container,
    authChecker: roleAuthChecker,
    // type-graphql's own class-validator run; no input is echoed back in an error.
    validate: { validationError: { target: false, value: false } },
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
  for (const direct of MODULES.flatMap((module) => module.directFields ?? [])) resolveDirectly(schema, container, direct);
  for (const module of MODULES) module.adjustSchema?.(schema, container);
  return guardRootFields(schema);
}

/**
 * A field resolved for every item of a list, or a subscription's field for
 * every event and subscriber, called straight on its resolver instance.
 * type-graphql's wrapper builds a resolver-data object, sorts and maps the
 * parameter list, converts the root and validates each argument in an async
 * function on every call: for a page of fifty messages, a fifth of everything
 * the page allocated went to `sender` that way, and each delivered message
 * waited on four promises (two arguments, their `Promise.all` and its `then`)
 * before its subscriber could send it. Only for
 * fields without middleware or roles whose arguments are all scalars or enums
 * (there is nothing for class-validator to check in those): building the
 * schema fails otherwise, rather than skip a check silently.
 */
function resolveDirectly<R, Root, Args>(schema: GraphQLSchema, container: ContainerType, direct: DirectField<R, Root, Args>): void {
  const { resolver: resolverClass, type: typeName, field: fieldName, call } = direct;
  const type = schema.getType(typeName);
  const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
  if (!field) throw new Error(`no field ${typeName}.${fieldName} to resolve directly`);
  const storage = getMetadataStorage();
  const declarations = typeName === schema.getSubscriptionType()?.name ? storage.subscriptions : storage.fieldResolvers;
  const declared = declarations.find((r) => r.target === resolverClass && r.schemaName === fieldName);
  if (!declared) throw new Error(`${typeName}.${fieldName} is not declared by ${resolverClass.name}`);
  if (field.args.some((arg) => !isLeafType(getNamedType(arg.type))) || declared.roles !== undefined || declared.middlewares?.length) {
    throw new Error(`${typeName}.${fieldName} has input-object arguments, roles or middleware: type-graphql must run them`);
  }
  // The instance is looked up on first use: the schema is also built to be printed, where no resolver runs.
  let resolver: R | undefined;
  const resolve: GraphQLFieldResolver<Root, RequestContext, Args> = (root, args, ctx) =>
    call((resolver ??= container.get(resolverClass, {} as never) as R), root, args, ctx);
  field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
}

/** A container for printing the schema, where no resolver ever runs. */
export const schemaOnlyContainer: ContainerType = { get: () => ({}) };
