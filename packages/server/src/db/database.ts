// The whole database as Kysely sees it: each module's tables, composed. Modules type their
// own repositories against their own tables only; flows and jobs hold the composed type.
import type { PlatformTables } from '../modules/platform/platform.table.ts';
import type { CustomersTables } from '../modules/customers/customers.table.ts';
import type { ActivityTables } from '../modules/activity/activity.table.ts';
import type { LoyaltyTables } from '../modules/loyalty/loyalty.table.ts';
import type { ScoresTables } from '../modules/scores/scores.table.ts';

export type Database = PlatformTables &
  CustomersTables &
  ActivityTables &
  ScoresTables &
  LoyaltyTables;
