export * from './lib/visitor.module';
export * from './lib/visitor.resolver';
export * from './lib/visitor.service';
export * from './lib/identity';
export * from './lib/widget-origins';
export * from './lib/widget-settings';
