// The help center's markdown subset, shared by the help pages and the desk's article editor preview.
export * from './lib/article-markdown';
