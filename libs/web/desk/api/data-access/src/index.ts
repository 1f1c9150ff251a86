// The desk's typed operations (generated from src/lib/graphql by `npm run codegen:web`).
export * from './generated/graphql';
