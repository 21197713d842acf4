import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import type { RequestContext } from '../http/request-context.ts';
import {
  createTenant,
  INITIAL_KEY_NAME,
  replaceApiKeys,
  findDemoTenant,
  systemContext,
} from '../modules/platform/index.ts';
import {
  countCustomers,
  importCustomers,
  type CustomersTables,
} from '../modules/customers/index.ts';
import {
  DEMO_TIME_ZONE,
  demoLastDay,
  generateDemoData,
  type DemoData,
} from './demo/cdnow-demo-data.ts';
import { importTransactionsFlow, recordEventsFlow } from './record-events.flow.ts';
import { backfillLoyaltyFromEvents, createDemoProgram, createDemoRewards } from './loyalty.flow.ts';
import { loadActivePrograms, type LoyaltyTables } from '../modules/loyalty/index.ts';
import { enqueueScoreRun } from '../modules/scores/index.ts';

export const DEMO_LOGIN = { email: 'demo@fidelis.local', password: 'fidelis-demo' };
const DEMO_KEY_NAME = 'Demo key';
const CDNOW_FILE = new URL('../../demo-data/CDNOW_master.txt', import.meta.url);
const INTERACTION_BATCH = 1000;

export interface DemoTenant {
  tenantId: string;
  apiKey: string;
  login: typeof DEMO_LOGIN;
  loadedNow: boolean;
}

/**
 * What the demo load reports as it goes, for the caller to word (the CLI, in its language):
 * the load starting, then each step done with how many and the seconds since the start.
 */
export type DemoProgress =
  | { kind: 'loading'; customers: number; purchases: number; firstDay: string; lastDay: string }
  | {
      kind: 'customers' | 'purchases' | 'interactions' | 'program';
      count: number;
      seconds: number;
    }
  | { kind: 'rewards'; count: number; redeemed: number; seconds: number };

/**
 * Makes sure the demo tenant exists with its data, and issues a fresh API key to print on
 * every start (keys are stored hashed, so an old one cannot be shown again), revoking the one
 * the start before printed: the demo tenant keeps one working demo key, not one per start. Every load step
 * is idempotent (customers by external id, events by id), so a start interrupted half-way
 * completes the load on the next start.
 */
export async function ensureDemoTenant(
  database: DatabaseHandle,
  options: { progress: (event: DemoProgress) => void; today?: Date },
): Promise<DemoTenant> {
  const existing = await findDemoTenant(database.db);
  let tenantId: string;
  let apiKey: string;
  if (existing) {
    tenantId = existing.id;
    const key = await replaceApiKeys(database.db, systemContext(tenantId), {
      name: DEMO_KEY_NAME,
      role: 'owner',
      // The keys earlier starts printed: the first start's, and before 2026-12-08 each dated.
      replaces: (name) =>
        name === DEMO_KEY_NAME || name.startsWith(`${DEMO_KEY_NAME} `) || name === INITIAL_KEY_NAME,
    });
    apiKey = key.key;
  } else {
    const created = await createTenant(database.db, {
      name: 'Fidelis Demo 演示',
      currency: 'USD',
      timeZone: DEMO_TIME_ZONE,
      ownerEmail: DEMO_LOGIN.email,
      ownerPassword: DEMO_LOGIN.password,
      isDemo: true,
    });
    tenantId = created.tenantId;
    apiKey = created.apiKey;
  }
  const data = demoData(options.today ?? new Date());
  const context = systemContext(tenantId);
  const loaded = await countCustomers(narrow<CustomersTables>(database.db), tenantId);
  const loadedNow = loaded < data.customers.length;
  if (loadedNow) await loadDemoData(database, context, data, options.progress);
  await ensureDemoProgram(database, context, options.progress);
  // Scores (RFM, P(alive), CLV) come from a background job; its progress shows in the UI.
  if (loadedNow) await enqueueScoreRun(database.db, tenantId);
  return { tenantId, apiKey, login: DEMO_LOGIN, loadedNow };
}

/** The demo loyalty program, with points for the whole purchase history (once). */
async function ensureDemoProgram(
  database: DatabaseHandle,
  context: RequestContext,
  progress: (event: DemoProgress) => void,
): Promise<void> {
  const programs = await loadActivePrograms(narrow<LoyaltyTables>(database.db), context.tenantId);
  if (programs.length > 0) return;
  const started = Date.now();
  const programId = await createDemoProgram(database.db, context, { currency: 'USD' });
  const { events } = await database.db
    .transaction()
    .execute((trx) => backfillLoyaltyFromEvents(trx, context.tenantId, programId));
  progress({ kind: 'program', count: events, seconds: secondsSince(started) });
  const catalog = await createDemoRewards(database.db, context, programId);
  progress({
    kind: 'rewards',
    count: catalog.rewards,
    redeemed: catalog.redemptions,
    seconds: secondsSince(started),
  });
}

const secondsSince = (started: number) => (Date.now() - started) / 1000;

function narrow<Tables>(db: Kysely<Database>): Kysely<Tables> {
  return db as unknown as Kysely<Tables>;
}

/** The CDNOW history shifted so that it ends yesterday, in the demo business's time zone. */
export function demoData(today: Date): DemoData {
  return generateDemoData(readFileSync(CDNOW_FILE, 'utf8'), { lastDay: demoLastDay(today) });
}

async function loadDemoData(
  database: DatabaseHandle,
  context: RequestContext,
  data: DemoData,
  progress: (event: DemoProgress) => void,
): Promise<void> {
  const started = Date.now();
  const step = (kind: 'customers' | 'purchases' | 'interactions', count: number) =>
    progress({ kind, count, seconds: secondsSince(started) });
  progress({
    kind: 'loading',
    customers: data.customers.length,
    purchases: data.purchases.length,
    firstDay: data.firstDay,
    lastDay: data.lastDay,
  });

  const customersCsv = stringify(
    data.customers.map((c) => [
      c.externalId,
      'person',
      c.name,
      c.email,
      c.phone,
      c.birthday,
      c.gender,
      c.occupation,
      c.interests.join(';'),
      c.preferredChannel,
      c.tags.join(';'),
    ]),
    {
      header: true,
      columns: [
        'externalId',
        'kind',
        'name',
        'email',
        'phone',
        'birthday',
        'gender',
        'occupation',
        'interests',
        'preferredChannel',
        'tags',
      ],
    },
  );
  const customers = await importCustomers(
    database,
    context,
    Readable.from([Buffer.from(customersCsv)]),
    {
      mode: 'all-or-nothing',
      encoding: 'utf8',
      dryRun: false,
      mapping: undefined,
    },
  );
  if (customers.errorCount > 0)
    throw new Error(
      `demo customers did not import: ${JSON.stringify(customers.errors?.slice(0, 3))}`,
    );
  step('customers', data.customers.length);
  // The embedded database has no autovacuum daemon: refresh planner statistics after a bulk load.
  await sql`analyze`.execute(database.db);

  const transactionsCsv = stringify(
    data.purchases.map((p) => [
      p.id,
      p.customerExternalId,
      p.occurredAt,
      p.amount,
      'USD',
      'purchase',
      p.sku,
      p.category,
      p.quantity,
      p.channel,
    ]),
    {
      header: true,
      columns: [
        'event_id',
        'customer_external_id',
        'occurred_at',
        'amount',
        'currency',
        'type',
        'sku',
        'category',
        'quantity',
        'channel',
      ],
    },
  );
  await importTransactionsFlow(database, context, Buffer.from(transactionsCsv), {
    amountUnit: 'minor',
    skipInvalid: false,
  });
  step('purchases', data.purchases.length);

  for (let start = 0; start < data.interactions.length; start += INTERACTION_BATCH) {
    const batch = data.interactions.slice(start, start + INTERACTION_BATCH).map((interaction) => ({
      id: interaction.id,
      type: 'interaction',
      customerExternalId: interaction.customerExternalId,
      occurredAt: interaction.occurredAt,
      channel: interaction.channel,
      direction: interaction.direction,
      subject: interaction.subject,
      outcome: interaction.outcome,
      staffMember: interaction.staffMember,
    }));
    await recordEventsFlow(database.db, context, batch);
  }
  step('interactions', data.interactions.length);
  await sql`analyze`.execute(database.db);
}
