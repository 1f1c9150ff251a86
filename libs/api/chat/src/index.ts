export * from './lib/chat.entity';
export * from './lib/message.entity';
export * from './lib/chat.type';
export * from './lib/chat.inputs';
export * from './lib/chat.service';
export * from './lib/chat.resolver';
export * from './lib/message.resolver';
export * from './lib/chat.topics';
