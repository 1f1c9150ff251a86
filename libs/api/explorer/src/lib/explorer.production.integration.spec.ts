import * as vm from 'node:vm';
import type { Browser } from 'playwright-core';
import { createAgent, startTestServer, type TestServer } from '@parley/api/testing';
import { Session } from '../testing/browser-session';
import { useExplorerAgainstApi } from '../testing/explorer-against-api';
import type { ExplorerFront } from '../testing/explorer-front';

jest.setTimeout(120_000);

const withApi = 'SourceTextModule' in vm ? describe : describe.skip;

/** In production the schema is described to signed-in agents and admins only; the explorer still serves them. */
withApi('the explorer against a production API', () => {
  const rig = useExplorerAgainstApi(() => startTestServer({ production: true }));
  let api: TestServer;
  let front: ExplorerFront;
  let browser: Browser;
  beforeAll(() => ({ api, front, browser } = rig));

  it('loads the schema once the agent has signed in and used the token', async () => {
    const agent = await createAgent(api, 'Alex Agent');
    const session = await Session.open(browser, `${front.url}/graphql`, 403);
    await session.steps(async () => {
      const first = await session.editorValue('operation.graphql');
      await session.setOperation(
        first.replace('"agent@example.com"', JSON.stringify(agent.email)).replace('password: ""', `password: ${JSON.stringify(agent.password)}`),
      );
      await session.runFromMenu('SignIn');
      await session.waitForResult('the token', (text) => text.includes('"role": "AGENT"'));
      const introspected = session.page.waitForResponse(
        (res) => res.url().endsWith('/graphql') && res.request().postData()?.includes('IntrospectionQuery') === true,
      );
      await session.page.getByTestId('use-token').click();
      const response = await introspected;
      expect(response.status()).toBe(200);
      expect(((await response.json()) as { data: { __schema: { queryType: { name: string } } } }).data.__schema.queryType.name).toBe('Query');
    });
  });
});
