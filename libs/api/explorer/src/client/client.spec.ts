import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { DEFAULT_QUERY } from './default-document';
import { chooseOperation } from './fetcher';
import { signInFromResponse } from './explorer-session';
import { authorizationOf, withAuthorization } from './headers';

describe('chooseOperation', () => {
  const document = 'mutation SignIn { login(input: {}) { token } } query Queue { queue { id } } subscription WatchChats { chatUpdated { id } }';

  it('finds the named operation and whether it is a subscription', () => {
    expect(chooseOperation(document, 'WatchChats')).toEqual({ subscription: true, operationName: 'WatchChats' });
    expect(chooseOperation(document, 'Queue')).toEqual({ subscription: false, operationName: 'Queue' });
  });

  it('takes the only operation when GraphiQL passes a stale or no name', () => {
    expect(chooseOperation('subscription Ticks { tick }', 'Hello')).toEqual({ subscription: true, operationName: 'Ticks' });
    expect(chooseOperation('subscription { tick }', undefined)).toEqual({ subscription: true, operationName: undefined });
    expect(chooseOperation('{ hello }', 'Hello')).toEqual({ subscription: false, operationName: undefined });
  });

  it('runs the operation under the cursor when GraphiQL has not parsed the live text yet', () => {
    const old = 'mutation First { send }';
    const live = `${old}\nmutation Second { send }`;
    // The stale name still names an operation of the live text: the cursor decides.
    expect(chooseOperation(live, 'First', old, live.length)).toEqual({ subscription: false, operationName: 'Second' });
    expect(chooseOperation(live, 'First', old, 3)).toEqual({ subscription: false, operationName: 'First' });
    // Once parsed, the name GraphiQL passes (the run menu's choice, say) wins over the cursor.
    expect(chooseOperation(live, 'First', live, live.length)).toEqual({ subscription: false, operationName: 'First' });
  });

  it('leaves unknown names and broken documents for the server to report', () => {
    expect(chooseOperation(document, 'Nope')).toEqual({ subscription: false, operationName: 'Nope' });
    expect(chooseOperation('subscription {', 'X')).toEqual({ subscription: false, operationName: 'X' });
  });
});

describe('headers', () => {
  it('reads Authorization whatever its case', () => {
    expect(authorizationOf({ authorization: 'Bearer a' })).toBe('Bearer a');
    expect(authorizationOf({ AUTHORIZATION: 'Bearer b', other: 'x' })).toBe('Bearer b');
    expect(authorizationOf({ Authorization: '' })).toBeUndefined();
    expect(authorizationOf(undefined)).toBeUndefined();
  });

  it('finds the token of a login or register result', () => {
    expect(signInFromResponse(JSON.stringify({ data: { login: { token: 't1', user: {} } } }))?.token).toBe('t1');
    expect(signInFromResponse(JSON.stringify({ data: { register: { token: 't2' } } }))?.token).toBe('t2');
    expect(signInFromResponse(JSON.stringify({ data: { queue: [] } }))?.token).toBeUndefined();
    expect(signInFromResponse(JSON.stringify({ errors: [{ message: 'nope' }] }))?.token).toBeUndefined();
    expect(signInFromResponse('')?.token).toBeUndefined();
  });

  it('replaces Authorization and keeps the other headers', () => {
    expect(JSON.parse(withAuthorization('{"authorization": "Bearer old", "x-request-id": "r1"}', 'new'))).toEqual({
      Authorization: 'Bearer new',
      'x-request-id': 'r1',
    });
    expect(JSON.parse(withAuthorization('', 'new'))).toEqual({ Authorization: 'Bearer new' });
    expect(JSON.parse(withAuthorization('{ // not JSON', 'new'))).toEqual({ Authorization: 'Bearer new' });
  });
});

describe('the first tab', () => {
  it("is valid against the API's emitted schema", () => {
    const sdl = readFileSync(join(__dirname, '../../../../../apps/api/schema.graphql'), 'utf8');
    expect(validate(buildSchema(sdl), parse(DEFAULT_QUERY)).map((e) => e.message)).toEqual([]);
  });
});
