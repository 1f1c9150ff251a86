import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * Whether the client's query selects `path` below the current field (for
 * example edges → node → sender), through fragments too. Lets a resolver
 * fetch what its children will need in one go, and only when they are asked for.
 */
export function selectsPath(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, path: string[]): boolean {
  return info.fieldNodes.some((node) => node.selectionSet !== undefined && selects(node.selectionSet, path, info.fragments, new Set()));
}

function selects(set: SelectionSetNode, path: string[], fragments: Record<string, FragmentDefinitionNode>, seen: Set<string>): boolean {
  const [head, ...rest] = path;
  for (const selection of set.selections) {
    if (selection.kind === 'Field') {
      if (selection.name.value !== head) continue;
      if (rest.length === 0) return true;
      if (selection.selectionSet && selects(selection.selectionSet, rest, fragments, seen)) return true;
    } else if (selection.kind === 'InlineFragment') {
      if (selects(selection.selectionSet, path, fragments, seen)) return true;
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (!fragment || seen.has(name)) continue;
      seen.add(name);
      if (selects(fragment.selectionSet, path, fragments, seen)) return true;
    }
  }
  return false;
}

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
