import { describe, expect, it } from 'vitest';
import { permissions, roleCan, roles, type Permission, type Role } from './platform.ts';

describe('roleCan', () => {
  it('gives owners everything and platform:admin to owners alone', () => {
    for (const permission of permissions) expect(roleCan('owner', permission)).toBe(true);
    for (const role of roles.filter((role) => role !== 'owner'))
      expect(roleCan(role, 'platform:admin')).toBe(false);
  });

  it('matches the roles table of docs/users.md', () => {
    const table: Record<Role, Permission[]> = {
      owner: [...permissions],
      manager: [
        'customers:read',
        'customers:write',
        'customers:erase',
        'events:write',
        'loyalty:read',
        'loyalty:operate',
        'loyalty:design',
        'analytics:read',
        'analytics:run',
        'audit:read',
      ],
      agent: [
        'customers:read',
        'customers:write',
        'events:write',
        'loyalty:read',
        'loyalty:operate',
        'analytics:read',
      ],
      analyst: ['customers:read', 'loyalty:read', 'analytics:read', 'analytics:run'],
      viewer: ['customers:read', 'loyalty:read', 'analytics:read'],
    };
    for (const role of roles)
      expect(permissions.filter((permission) => roleCan(role, permission))).toEqual(
        permissions.filter((permission) => table[role].includes(permission)),
      );
  });

  it('refuses a role it does not know (a stale session of a removed role)', () => {
    expect(roleCan('ghost' as Role, 'customers:read')).toBe(false);
  });
});
