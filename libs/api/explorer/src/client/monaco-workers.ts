// Monaco asks for a worker per language; each is its own bundle under
// /explorer/ (see tools/build/build-explorer.mjs), so nothing comes from a CDN.
// Imported first by main.tsx: Monaco reads MonacoEnvironment when it starts.

/** Same-origin URLs of the worker bundles, set at build time. */
declare const __PARLEY_EXPLORER_WORKERS__: { editor: string; json: string; graphql: string };

const workers = __PARLEY_EXPLORER_WORKERS__;

(globalThis as typeof globalThis & { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    const url = label === 'json' ? workers.json : label === 'graphql' ? workers.graphql : workers.editor;
    return new Worker(url, { type: 'module', name: label });
  },
};
