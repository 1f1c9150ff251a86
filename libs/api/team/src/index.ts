export * from './lib/team.type';
export * from './lib/team.topics';
export * from './lib/team.entity';
export * from './lib/team.repository';
export * from './lib/team.errors';
export * from './lib/business-hours';
export * from './lib/presence';
export * from './lib/team.service';
