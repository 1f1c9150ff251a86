import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { childFieldNodes } from './selection';

/** The info a resolver of the query's first root field would get. */
function infoOf(query: string) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments };
}

describe('childFieldNodes', () => {
  const aliases = (query: string, name: string) => childFieldNodes(infoOf(query), name).map((n) => n.alias?.value ?? n.name.value);

  it('finds every selection of the field directly below, through fragments, in document order', () => {
    expect(aliases('{ chat { id messages(last: 5) { pageInfo { hasNextPage } } } }', 'messages')).toEqual(['messages']);
    expect(aliases('{ chat { a: messages(first: 1) { edges { cursor } } ... on Chat { b: messages(last: 1) { edges { cursor } } } } }', 'messages')).toEqual(['a', 'b']);
    expect(aliases('query { chat { ...C } } fragment C on Chat { messages { edges { cursor } } ...C }', 'messages')).toEqual(['messages']);
  });

  it('finds nothing for a field only selected deeper down, or not at all', () => {
    expect(aliases('{ chat { lastMessage { chat { messages { edges { cursor } } } } } }', 'messages')).toEqual([]);
    expect(aliases('{ chat { id } }', 'messages')).toEqual([]);
  });
});
