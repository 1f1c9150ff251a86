export * from './lib/email.module';
export * from './lib/email.service';
export * from './lib/email.repository';
export * from './lib/chat-email-state.entity';
export * from './lib/customer-presence';
export * from './lib/mailer';
export * from './lib/email-templates';
export * from './lib/email.resolver';
