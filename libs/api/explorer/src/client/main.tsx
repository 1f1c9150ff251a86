import './monaco-workers';
import 'graphiql/style.css';
import './explorer.css';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createParleyFetcher } from './fetcher';
import { DEFAULT_QUERY } from './default-document';
import { UseTokenButton } from './token-button';

// The page is served at the endpoint itself (GET /graphql), so the endpoint is this URL.
const endpoint = new URL(location.pathname.replace(/\/+$/, '') || '/graphql', location.origin);
const wsEndpoint = new URL(endpoint);
wsEndpoint.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

const fetcher = createParleyFetcher({ httpUrl: endpoint.href, wsUrl: wsEndpoint.href });

function Explorer() {
  return (
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} defaultEditorToolsVisibility="headers">
      <GraphiQL.Logo>Parley</GraphiQL.Logo>
      <GraphiQL.Toolbar>
        {({ prettify, merge, copy }) => (
          <>
            {prettify}
            {merge}
            {copy}
            <UseTokenButton />
          </>
        )}
      </GraphiQL.Toolbar>
    </GraphiQL>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
