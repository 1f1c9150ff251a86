export * from './lib/article.entity';
export * from './lib/article.type';
export * from './lib/article.inputs';
export * from './lib/article.service';
export * from './lib/article.resolver';
export * from './lib/assist.resolver';
export * from './lib/bot.service';
export * from './lib/knowledge-files';
