// The desk's admin screens: their typed operations (generated from src/lib/graphql by `npm run codegen:web`) and helpers.
export * from './generated/graphql';
export * from './lib/report-range';
export * from './lib/business-hours-form';
export * from './lib/webhook-events';
export * from './lib/webhook-problems';
export * from './lib/business-hours-problems';
