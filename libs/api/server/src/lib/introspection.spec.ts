import { parse } from 'graphql';
import { asksForSchema } from './introspection';

describe('asksForSchema', () => {
  it('finds __schema and __type anywhere, also when asked again about the same document', () => {
    const asking = parse('query { me { id } ...F } fragment F on Query { __type(name: "Chat") { name } }');
    const plain = parse('query { me { id __typename } }');
    for (let i = 0; i < 2; i++) {
      expect(asksForSchema(asking)).toBe(true);
      expect(asksForSchema(plain)).toBe(false);
    }
    // Another document of the same text is answered on its own.
    expect(asksForSchema(parse('{ __schema { queryType { name } } }'))).toBe(true);
  });
});
