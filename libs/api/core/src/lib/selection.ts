import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * The selections of the field `name` directly below the current field, through
 * fragments too, in document order (one per alias or repeat). A resolver that
 * reads ahead for a child field looks at these, and reads ahead only when it
 * can tell exactly what the child will be asked.
 */
export function childFieldNodes(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, name: string): FieldNode[] {
  const found: FieldNode[] = [];
  for (const node of info.fieldNodes) if (node.selectionSet) collectFields(node.selectionSet, name, info.fragments, new Set(), found);
  return found;
}

function collectFields(set: SelectionSetNode, name: string, fragments: Record<string, FragmentDefinitionNode>, seen: Set<string>, found: FieldNode[]): void {
  for (const selection of set.selections) {
    if (selection.kind === 'Field') {
      if (selection.name.value === name) found.push(selection);
    } else if (selection.kind === 'InlineFragment') {
      collectFields(selection.selectionSet, name, fragments, seen, found);
    } else {
      const fragment = fragments[selection.name.value];
      if (!fragment || seen.has(selection.name.value)) continue;
      seen.add(selection.name.value);
      collectFields(fragment.selectionSet, name, fragments, seen, found);
    }
  }
}
