export * from './lib/coalescer';
export * from './lib/attention.service';
