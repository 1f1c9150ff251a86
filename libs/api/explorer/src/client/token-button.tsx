import { useState } from 'react';
import { pick, ToolbarButton, useGraphiQL, useGraphiQLActions } from '@graphiql/react';
import { tokenFromResponse, withAuthorization } from './headers';

function KeyIcon() {
  return (
    <svg className="graphiql-toolbar-icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <circle cx="8" cy="15" r="4" />
      <path d="M10.85 12.15 19 4m-3 3 2.5 2.5M14 9l2 2" strokeLinecap="round" />
    </svg>
  );
}

/** Copies the token of the last SignIn into the Authorization header, so HTTP and WebSocket requests use it, and reloads the schema with it. */
export function UseTokenButton() {
  const { headerEditor, responseEditor } = useGraphiQL(pick('headerEditor', 'responseEditor'));
  const { introspect } = useGraphiQLActions();
  const [missing, setMissing] = useState(false);
  const label = missing ? 'No token in the response: run SignIn first' : 'Use the token from the response as Authorization header';
  return (
    <ToolbarButton
      label={label}
      data-testid="use-token"
      onClick={() => {
        const token = tokenFromResponse(responseEditor?.getValue() ?? '');
        if (!token || !headerEditor) {
          setMissing(true);
          setTimeout(() => setMissing(false), 4000);
          return;
        }
        headerEditor.setValue(withAuthorization(headerEditor.getValue(), token));
        // In production the schema is described to signed-in agents and admins only: ask again as one.
        void introspect();
      }}
    >
      <KeyIcon />
    </ToolbarButton>
  );
}
