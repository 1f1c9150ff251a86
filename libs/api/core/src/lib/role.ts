import { registerEnumType } from 'type-graphql';

export enum Role {
  CUSTOMER = 'CUSTOMER',
  AGENT = 'AGENT',
  ADMIN = 'ADMIN',
}

registerEnumType(Role, { name: 'Role' });

export const isStaff = (role: Role) => role === Role.AGENT || role === Role.ADMIN;
