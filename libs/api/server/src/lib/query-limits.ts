import { ApolloArmor } from '@escape.tech/graphql-armor';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import type { ValidationRule } from 'graphql';

/**
 * Limits on the shape of a document, the same over HTTP and graphql-ws
 * (Apollo's validation rules do not reach graphql-ws). Generous for every
 * real client, including the explorer's introspection; fatal to query bombs.
 */
export const QUERY_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 3000,
  maxCost: 5000,
} as const;

const armorConfig = {
  // Depth of the document as executed: fragments are expanded, not counted as levels of their own.
  maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true, exposeLimits: true },
  maxAliases: { n: QUERY_LIMITS.maxAliases, exposeLimits: true },
  maxDirectives: { n: QUERY_LIMITS.maxDirectives, exposeLimits: true },
  // Counted by graphql-js's own parser (Apollo's parseOptions, `parse` over graphql-ws): armor's plugin for
  // this re-parses the document and turns every syntax error into a 500.
  maxTokens: { enabled: false },
  costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true, flattenFragments: true, exposeLimits: true },
  blockFieldSuggestion: { enabled: true },
};

/** Apollo's plugins, validation rules and parse options (the token limit). */
export function httpQueryLimits() {
  return { ...new ApolloArmor(armorConfig).protect(), parseOptions: { maxTokens: QUERY_LIMITS.maxTokens } };
}

/** The same limits as validation rules for graphql-ws (tokens are capped by `parse`'s maxTokens there). */
export function wsValidationRules(): ValidationRule[] {
  return [
    maxDepthRule(armorConfig.maxDepth),
    maxAliasesRule(armorConfig.maxAliases),
    maxDirectivesRule(armorConfig.maxDirectives),
    costLimitRule(armorConfig.costLimit),
  ];
}
