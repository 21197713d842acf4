import type { Role } from '@fidelis/contracts';
import { permissions, type Permission } from '../../http/request-context.ts';

const readAll: Permission[] = ['customers:read', 'loyalty:read', 'analytics:read'];

/** What each role may do. Owners and managers run the business; agents serve customers. */
const grants: Record<Role, readonly Permission[]> = {
  owner: permissions,
  manager: [
    ...readAll,
    'customers:write',
    'customers:erase',
    'events:write',
    'loyalty:operate',
    'loyalty:design',
    'analytics:run',
    'audit:read',
  ],
  agent: [...readAll, 'customers:write', 'events:write', 'loyalty:operate'],
  analyst: [...readAll, 'analytics:run'],
  viewer: readAll,
};

export function roleCan(role: Role, permission: Permission): boolean {
  return grants[role]?.includes(permission) ?? false;
}
