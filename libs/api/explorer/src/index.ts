export { explorerRouter, EXPLORER_ASSETS_PATH, EXPLORER_CSP, EXPLORER_CSP_DIRECTIVES } from './lib/explorer.router';
