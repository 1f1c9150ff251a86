import { useState } from 'react';
import { pick, ToolbarButton, useGraphiQL, useGraphiQLActions } from '@graphiql/react';
import { withAuthorization } from './headers';
import { signInFromResponse, type ExplorerSession } from './explorer-session';

function KeyIcon() {
  return (
    <svg className="graphiql-toolbar-icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <circle cx="8" cy="15" r="4" />
      <path d="M10.85 12.15 19 4m-3 3 2.5 2.5M14 9l2 2" strokeLinecap="round" />
    </svg>
  );
}

/**
 * Signs the explorer in with the token of the last SignIn: every tab's HTTP and
 * WebSocket requests use it (this tab's header shows it), renewed while the
 * result's refresh token allows; the schema is reloaded with it.
 */
export function UseTokenButton({ session }: { session: ExplorerSession }) {
  const { headerEditor, responseEditor } = useGraphiQL(pick('headerEditor', 'responseEditor'));
  const { introspect } = useGraphiQLActions();
  const [missing, setMissing] = useState(false);
  const label = missing ? 'No token in the response: run SignIn first' : 'Use the token from the response as Authorization header';
  return (
    <ToolbarButton
      label={label}
      data-testid="use-token"
      onClick={() => {
        const signIn = signInFromResponse(responseEditor?.getValue() ?? '');
        if (!signIn || !headerEditor) {
          setMissing(true);
          setTimeout(() => setMissing(false), 4000);
          return;
        }
        session.adopt(signIn);
        headerEditor.setValue(withAuthorization(headerEditor.getValue(), signIn.token));
        // In production the schema is described to signed-in agents and admins only: ask again as one.
        void introspect();
      }}
    >
      <KeyIcon />
    </ToolbarButton>
  );
}
