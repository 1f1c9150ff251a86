import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { RequestContext } from './context';
import type { LimitName, RateLimits } from './rate-limits';

/**
 * Which abuse limit each root field spends. Every mutation spends one, its
 * own rule or `mutationPerCaller`; queries spend one only when listed here
 * (every search must be). A domain's own finer limits (sends, sign-ins, new
 * chats) still apply inside its service.
 */
export const FIELD_LIMITS: { Mutation: Record<string, LimitName>; Query: Record<string, LimitName> } = {
  Mutation: {
    setTyping: 'typingPerCaller',
    requestPasswordReset: 'passwordResetPerCaller',
    resetPassword: 'resetPasswordPerCaller',
    emailTranscript: 'transcriptPerCaller',
  },
  Query: { searchArticles: 'searchPerCaller', searchChats: 'searchPerCaller', teamReport: 'reportPerCaller', supportStatus: 'statusPerCaller' },
};

export const DEFAULT_MUTATION_LIMIT: LimitName = 'mutationPerCaller';

/** The rule a root field spends, or undefined for queries that are not searches. */
export function fieldLimit(typeName: 'Query' | 'Mutation', fieldName: string): LimitName | undefined {
  return FIELD_LIMITS[typeName][fieldName] ?? (typeName === 'Mutation' ? DEFAULT_MUTATION_LIMIT : undefined);
}

/**
 * Wraps the root fields of a built schema so each call spends a point of its
 * rule, counted per field and per caller (the user, else the address). One
 * generic place, so a new mutation is limited the day it is added.
 */
export function limitRootFields(schema: GraphQLSchema, limits: RateLimits): GraphQLSchema {
  if (!limits.enabled) return schema;
  for (const [typeName, type] of [['Query', schema.getQueryType()], ['Mutation', schema.getMutationType()]] as const) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const rule = fieldLimit(typeName, field.name);
      if (!rule) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const name = field.name;
      field.resolve = async (source, args, context: RequestContext, info) => {
        const caller = context.viewer ? `u:${context.viewer.id}` : `ip:${context.ip ?? 'unknown'}`;
        await limits.consume(rule, `${name}:${caller}`);
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
