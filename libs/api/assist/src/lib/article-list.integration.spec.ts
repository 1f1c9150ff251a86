import { errorCode, gql, gqlOk, registerCustomer, useTestServer, type Person, type TestServer } from '@parley/api/testing';

const LIST = `query($orderBy: ArticleOrder, $first: Int, $after: String) {
  articles(orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    edges { cursor node { title feedback { helpful notHelpful } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;
const CREATE = `mutation($input: ArticleInput!) { createArticle(input: $input) { id } }`;
const RATE = `mutation($id: ID!, $helpful: Boolean!, $browser: String) { rateArticle(articleId: $id, helpful: $helpful, browserToken: $browser) }`;

const cast = useTestServer({ agents: ['Alex Agent'] });
let api: TestServer;
let admin: Person;
let agent: Person;

type Listed = { title: string; feedback: { helpful: number; notHelpful: number } };
const titles = (connection: { edges: Array<{ node: Listed }> }) => connection.edges.map((e) => e.node.title);

beforeAll(async () => {
  ({ api, admin, agents: [agent] } = cast);
  // Four articles and their answers, by anonymous browsers (each token one voter):
  //   banana: 3 yes, 0 no · apple: 1 yes, 2 no · Cherry: 0 yes, 2 no · date: none.
  const votes: Record<string, [number, number]> = { banana: [3, 0], apple: [1, 2], Cherry: [0, 2], date: [0, 0] };
  let voter = 0;
  for (const [title, [yes, no]] of Object.entries(votes)) {
    const id = (await gqlOk(api.graphqlUrl, CREATE, { input: { title, body: `All about ${title}.` } }, admin.token))['createArticle'].id;
    for (const helpful of [...Array(yes).fill(true), ...Array(no).fill(false)]) {
      await gqlOk(api.graphqlUrl, RATE, { id, helpful, browser: `browser-token-${String(++voter).padStart(4, '0')}` });
    }
  }
}, 60_000);

describe('articles (the admins\' list)', () => {
  it('lists every article by title without a query, with its feedback counts', async () => {
    const list = (await gqlOk(api.graphqlUrl, LIST, {}, admin.token))['articles'];
    expect(list.totalCount).toBe(4);
    expect(list.edges.map((e: { node: Listed }) => e.node)).toEqual([
      { title: 'apple', feedback: { helpful: 1, notHelpful: 2 } },
      { title: 'banana', feedback: { helpful: 3, notHelpful: 0 } },
      { title: 'Cherry', feedback: { helpful: 0, notHelpful: 2 } },
      { title: 'date', feedback: { helpful: 0, notHelpful: 0 } },
    ]);
    expect(list.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('sorts by feedback, ties by title', async () => {
    const by = async (orderBy: string) => titles((await gqlOk(api.graphqlUrl, LIST, { orderBy }, admin.token))['articles']);
    expect(await by('HELPFUL')).toEqual(['banana', 'apple', 'date', 'Cherry']);
    expect(await by('NOT_HELPFUL')).toEqual(['Cherry', 'apple', 'date', 'banana']);
    expect(await by('UPDATED')).toEqual(['date', 'Cherry', 'apple', 'banana']);
  });

  it('pages through in the same order, each article once', async () => {
    const first = (await gqlOk(api.graphqlUrl, LIST, { orderBy: 'HELPFUL', first: 3 }, admin.token))['articles'];
    expect(titles(first)).toEqual(['banana', 'apple', 'date']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = (await gqlOk(api.graphqlUrl, LIST, { orderBy: 'HELPFUL', first: 3, after: first.pageInfo.endCursor }, admin.token))['articles'];
    expect(titles(second)).toEqual(['Cherry']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it("is for admins only, and rejects bad paging with the contract's codes", async () => {
    const customer = await registerCustomer(api, 'Casey Customer');
    expect(errorCode(await gql(api.graphqlUrl, LIST, {}, agent.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, LIST, {}, customer.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(api.graphqlUrl, LIST, {}))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(api.graphqlUrl, LIST, { first: 0 }, admin.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, LIST, { first: 101 }, admin.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, LIST, { after: 'not-a-cursor' }, admin.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(api.graphqlUrl, LIST, { after: Buffer.from('{"offset":-1}').toString('base64url') }, admin.token))).toBe('BAD_USER_INPUT');
  });
});
