import './monaco-workers';
import 'graphiql/style.css';
import './explorer.css';
import { GraphiQL } from 'graphiql';
import { StrictMode, useState } from 'react';
import { pick, ToolbarButton, useGraphiQL, useGraphiQLActions, type MonacoEditor } from '@graphiql/react';
import { createRoot } from 'react-dom/client';
import { createParleyFetcher } from './fetcher';
import { DEFAULT_QUERY } from './default-document';
import { UseTokenButton } from './token-button';
import { ExplorerSession } from './explorer-session';
import { ExplorerStorage } from './explorer-storage';
import { LiveTabs } from './live-tabs';

// The page is served at the endpoint itself (GET /graphql), so the endpoint is this URL.
const endpoint = new URL(location.pathname.replace(/\/+$/, '') || '/graphql', location.origin);
const wsEndpoint = new URL(endpoint);
wsEndpoint.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

const session = new ExplorerSession(endpoint.href);
const live = new LiveTabs();
// The operation editor, once GraphiQL has made it: the fetcher reads its live cursor.
let queryEditor: MonacoEditor | undefined;
const cursorOffset = (): number | undefined => {
  const position = queryEditor?.getPosition();
  return position ? queryEditor?.getModel()?.getOffsetAt(position) : undefined;
};
const fetcher = createParleyFetcher({ httpUrl: endpoint.href, wsUrl: wsEndpoint.href, session, live, cursorOffset });
// Tabs hold passwords, tokens and results: in memory unless the agent chooses to keep them in this browser.
const storage = new ExplorerStorage();

function RememberButton({ on, onToggle }: { on: boolean; onToggle: () => void }) {
  const label = on ? 'Stop keeping tabs (and any passwords or tokens in them) in this browser' : 'Keep tabs in this browser (they may hold passwords and tokens)';
  return (
    <ToolbarButton label={label} data-testid="remember-tabs" aria-pressed={on} onClick={onToggle}>
      <svg className="graphiql-toolbar-icon" viewBox="0 0 24 24" fill={on ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
        <path d="M6 3h12v18l-6-4-6 4z" strokeLinejoin="round" />
      </svg>
    </ToolbarButton>
  );
}

/** Gives LiveTabs the response pane and the first active tab, and the fetcher the operation editor; renders nothing. */
function LiveTabsPane() {
  const { responseEditor, tabs, activeTabIndex, queryEditor: editor } = useGraphiQL(pick('responseEditor', 'tabs', 'activeTabIndex', 'queryEditor'));
  queryEditor = editor;
  const { updateActiveTabValues, stop } = useGraphiQLActions();
  live.release = stop;
  live.setActiveTab(tabs[activeTabIndex]?.id);
  live.pane = {
    show(text) {
      responseEditor?.setValue(text);
      updateActiveTabValues({ response: text });
    },
  };
  return null;
}

function Explorer() {
  const [remembering, setRemembering] = useState(storage.remembering);
  return (
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      defaultEditorToolsVisibility="headers"
      storage={storage}
      shouldPersistHeaders={remembering}
      onTabChange={(state) => live.tabsChanged(state.tabs.map((tab) => tab.id), state.tabs[state.activeTabIndex]?.id)}
    >
      <GraphiQL.Logo>Parley</GraphiQL.Logo>
      <GraphiQL.Toolbar>
        {({ prettify, merge, copy }) => (
          <>
            {prettify}
            {merge}
            {copy}
            <LiveTabsPane />
            <UseTokenButton session={session} />
            <RememberButton
              on={remembering}
              onToggle={() => {
                storage.remember(!remembering);
                setRemembering(!remembering);
              }}
            />
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
