import { Init1795604684807 } from './1795604684807-Init';

/** Every migration, oldest first. Never edit one that has landed; generate a new one. */
export const migrations = [Init1795604684807];
