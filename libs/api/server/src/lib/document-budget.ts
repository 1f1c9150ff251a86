import { GraphQLError, Kind, type DocumentNode, type SelectionSetNode } from 'graphql';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * What one document may contain, counted in one pass over the parsed syntax
 * tree before any validation rule runs. graphql-js's own rules are not linear
 * (OverlappingFieldsCanBeMerged compares every pair of same-named fields, and
 * again through every fragment spread), and graphql-armor's limits run in the
 * same pass as those rules, so they cannot stop that work: 700 copies of
 * `me { id }` cost about 250 ms of validation. Counting first keeps every
 * document's validation to a few milliseconds. The figures leave room for
 * GraphiQL's introspection query and for every operation the web app sends
 * (query-limits.spec.ts checks both).
 */
export const DOCUMENT_BUDGET = {
  /** Fields, inline fragments and spreads, over every definition. */
  selections: 400,
  fragments: 30,
  spreads: 60,
  /** Nesting of selection sets within one definition (fragments are not expanded here). */
  depth: 16,
  aliases: 15,
  operations: 20,
} as const;

export type BudgetItem = keyof typeof DOCUMENT_BUDGET;

/** The first limit the document exceeds, or undefined. Iterative: a deeply nested document cannot overflow the stack. */
export function overBudget(document: DocumentNode, budget: Record<BudgetItem, number> = DOCUMENT_BUDGET): BudgetItem | undefined {
  let selections = 0;
  let fragments = 0;
  let spreads = 0;
  let aliases = 0;
  let operations = 0;
  const stack: Array<{ set: SelectionSetNode; depth: number }> = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      if (++fragments > budget.fragments) return 'fragments';
    } else if (definition.kind === Kind.OPERATION_DEFINITION) {
      if (++operations > budget.operations) return 'operations';
    } else continue;
    stack.push({ set: definition.selectionSet, depth: 1 });
    while (stack.length) {
      const { set, depth } = stack.pop()!;
      if (depth > budget.depth) return 'depth';
      for (const selection of set.selections) {
        if (++selections > budget.selections) return 'selections';
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          if (++spreads > budget.spreads) return 'spreads';
          continue;
        }
        if (selection.kind === Kind.FIELD && selection.alias && ++aliases > budget.aliases) return 'aliases';
        if (selection.selectionSet) stack.push({ set: selection.selectionSet, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** The client's error for a document over budget (400, like any invalid document). */
export function overBudgetError(item: BudgetItem): GraphQLError {
  return new GraphQLError(`The document has too many ${item === 'depth' ? 'levels' : item} (at most ${DOCUMENT_BUDGET[item]}).`, {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
  });
}

class OverBudget extends Error {
  constructor(readonly item: BudgetItem) {
    super(`document over budget: ${item}`);
  }
}

/**
 * Apollo runs every validation rule in one pass and offers no hook that may
 * answer between parsing and validation; an error thrown when validation is
 * about to start ends the request, and `unexpectedErrorProcessingRequest`
 * turns it into the client's 400 (the way graphql-armor's token limit works).
 * Listed first among the plugins so that its answer is the one Apollo sends.
 */
export function documentBudgetPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async unexpectedErrorProcessingRequest({ error }) {
      if (error instanceof OverBudget) throw overBudgetError(error.item);
    },
    async requestDidStart() {
      return {
        async validationDidStart({ document }) {
          const item = overBudget(document);
          if (item) throw new OverBudget(item);
        },
      };
    },
  };
}
