import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';
import { runJobNow } from '../../test/loyalty-api.ts';
import { finishJob } from '../modules/platform/index.ts';
import { fieldOfPath } from './validation-issues.ts';

/**
 * The sweep behind the "Bad input" requirement: every endpoint the app registers,
 * enumerated from its own OpenAPI document, answers malformed JSON, bodies of the wrong type,
 * unknown fields, oversized bodies, a body where it takes none, unknown or wrong query
 * parameters and another tenant's ids with a problem+json and changes nothing. A new endpoint
 * is swept as soon as it is registered; when the sweep lacks what it needs (an example body, an
 * id for a path parameter, how its body is read, a required query parameter's value) it fails
 * and says which table below to complete.
 */

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

type Tenant = Awaited<ReturnType<typeof newTenant>>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Routes the app registers outside the OpenAPI document, and why the sweep leaves them out.
 * The sweep fails when the app registers another one.
 */
const SKIPPED: Record<string, string> = {
  '/health': 'liveness probe: public, no input, no tenant data',
  '/ready': 'readiness probe: public, no input, no tenant data',
  '/docs': 'the API explorer and the OpenAPI document: public, read-only, no tenant data',
  // Static web files are registered only when the web UI is built (webDist): not in tests.
};

/**
 * The exemption from "an unknown query parameter is 400": these ignore it, since load balancers
 * and monitors add cache-busters to what they poll (docs/errors.md; the comment in app.ts).
 */
const IGNORE_UNKNOWN_QUERY = ['/health', '/ready', '/docs/json'];

/** Routes whose body is a CSV file (not in the OpenAPI document's request bodies). */
const CSV_ROUTES: Record<string, { bodyLimit: number }> = {
  'POST /v1/customers/imports': { bodyLimit: 512 * 1024 * 1024 },
  'POST /v1/events/imports': { bodyLimit: 256 * 1024 * 1024 },
};

/** Writes that take no body at all: nothing or `{}` (a `preValidation: refuseBody`). */
const BODYLESS_WRITES = new Set([
  'POST /v1/auth/logout',
  'POST /v1/loyalty/programs/{programId}/members/{customerId}/referral-code',
  'POST /v1/loyalty/programs/{programId}/coupons/{code}/use',
  'POST /v1/loyalty/programs/{programId}/ledger-check',
  'POST /v1/loyalty/notifications/{notificationId}/delivered',
]);

const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** JSON routes with a body limit of their own. */
const BODY_LIMITS: Record<string, number> = {
  'POST /v1/events:batch': 16 * 1024 * 1024,
};

/** One tenant's objects: what path parameters and example bodies refer to. */
interface Ids {
  /** An organisation: the customer of the /v1/customers/{id} routes. */
  org: string;
  /** A person in the organisation. */
  person: string;
  /** Another organisation (a merge's duplicate). */
  org2: string;
  /** A loyalty member with points (some about to expire), a referral code and a wallet. */
  member: string;
  program: string;
  reward: string;
  couponCode: string;
  partner: string;
  /** The partner's API key: the caller of the partner-only routes. */
  partnerKey: string;
  apiKey: string;
  user: string;
  userEmail: string;
  job: string;
  notification: string;
  attributeKey: string;
  referralCode: string;
  memberToken: string;
}

/**
 * A path parameter's value, by the path segment before it and its name (`id` is a customer
 * under /customers and a user under /users). `shared`: the same for every tenant (a consent
 * channel), so not another tenant's. `missing`: a value no tenant has (default: an unused id).
 */
const PATH_PARAMS: Record<string, { of: (ids: Ids) => string; shared?: true; missing?: string }> = {
  'api-keys/{id}': { of: (ids) => ids.apiKey },
  'users/{id}': { of: (ids) => ids.user },
  'jobs/{id}': { of: (ids) => ids.job },
  'customers/{id}': { of: (ids) => ids.org },
  'customers/{customerId}': { of: (ids) => ids.member },
  'members/{personId}': { of: (ids) => ids.person },
  'consent/{channel}': { of: () => 'email', shared: true },
  'customer-attributes/{key}': { of: (ids) => ids.attributeKey, missing: 'no_such_key' },
  'programs/{programId}': { of: (ids) => ids.program },
  'members/{customerId}': { of: (ids) => ids.member },
  'rewards/{rewardId}': { of: (ids) => ids.reward },
  'coupons/{code}': { of: (ids) => ids.couponCode, missing: 'NO-SUCH-CODE' },
  'partners/{partnerId}': { of: (ids) => ids.partner },
  'notifications/{notificationId}': { of: (ids) => ids.notification },
};

/** A well-formed id that names nothing. */
const NO_SUCH_ID = '00000000-0000-7000-8000-000000000000';

/**
 * What another tenant's ids answer when it is not 404, and why. Whatever it is, it must be what
 * an id that names nothing answers: the reply may not tell that the other tenant's object exists.
 */
const NOT_YOURS: Record<string, { status: number; code: string; why: string }> = {
  'POST /v1/loyalty/programs/{programId}/partner-transactions': {
    status: 403,
    code: 'FORBIDDEN',
    why: 'a partner’s key is refused on every program but its own, whether it exists or not (docs/loyalty.md)',
  },
};

/** Values of the query parameters an operation requires, by "METHOD /path". */
const REQUIRED_QUERY: Record<string, (ids: Ids) => Record<string, string>> = {
  'GET /v1/public/loyalty/member': (ids) => ({ token: ids.memberToken }),
  'GET /v1/public/loyalty/member/history': (ids) => ({ token: ids.memberToken }),
};

const AT = '2025-06-01T08:00:00.000Z';
const purchase = {
  id: 'sweep-order',
  type: 'purchase',
  customerExternalId: 'sweep-buyer',
  occurredAt: AT,
  currency: 'CNY',
  amount: 1_000,
};

/** A valid body for every route that takes JSON, by "METHOD /path" as in the OpenAPI document. */
const EXAMPLES: Record<string, (ids: Ids) => Record<string, unknown>> = {
  'POST /v1/auth/login': (ids) => ({ email: ids.userEmail, password: 'not the password' }),
  'POST /v1/api-keys': () => ({ name: 'Sweep', role: 'agent' }),
  'POST /v1/users': () => ({
    email: 'new@sweep.test',
    name: 'New',
    role: 'agent',
    password: 'a long enough password',
  }),
  'PATCH /v1/users/{id}': () => ({ name: 'Renamed' }),
  'POST /v1/customers': () => ({ kind: 'person', name: 'New' }),
  'PATCH /v1/customers/{id}': () => ({ name: 'Renamed' }),
  'POST /v1/customers/{id}/merge': (ids) => ({ duplicateId: ids.org2 }),
  'POST /v1/customers/{id}/tags': () => ({ tags: ['new'] }),
  'DELETE /v1/customers/{id}/tags': () => ({ tags: ['kept'] }),
  'PUT /v1/customers/{id}/consent/{channel}': () => ({ status: 'withdrawn' }),
  'POST /v1/customers/{id}/members': (ids) => ({ personId: ids.member, role: 'buyer' }),
  'POST /v1/customer-attributes': () => ({
    key: 'new_key',
    labelZh: '新',
    labelEn: 'New',
    type: 'string',
  }),
  'PATCH /v1/customer-attributes/{key}': () => ({ labelEn: 'Renamed' }),
  'POST /v1/events': () => purchase,
  'POST /v1/events:batch': () => ({ events: [purchase] }),
  'POST /v1/loyalty/programs': () => ({
    name: 'New',
    currency: 'CNY',
    earnRules: [{ kind: 'spend', points: 1, per: 100 }],
  }),
  'PATCH /v1/loyalty/programs/{programId}': () => ({ name: 'Renamed' }),
  'PUT /v1/loyalty/programs/{programId}/rules': () => ({
    earnRules: [{ kind: 'spend', points: 2, per: 100 }],
  }),
  'POST /v1/loyalty/programs/{programId}/dry-run': (ids) => ({
    customerId: ids.member,
    event: { type: 'purchase', amount: 1_000 },
  }),
  'POST /v1/loyalty/programs/{programId}/members': (ids) => ({ customerId: ids.person }),
  'POST /v1/loyalty/programs/{programId}/members/{customerId}/link': () => ({ days: 7 }),
  'POST /v1/public/loyalty/member/redemptions': (ids) => ({
    token: ids.memberToken,
    rewardId: ids.reward,
    idempotencyKey: 'sweep-1',
  }),
  'POST /v1/loyalty/programs/{programId}/actions': (ids) => ({
    customerId: ids.member,
    action: 'review',
    idempotencyKey: 'sweep-1',
  }),
  'POST /v1/loyalty/programs/{programId}/members/{customerId}/adjustments': () => ({
    points: 5,
    reason: 'goodwill',
    idempotencyKey: 'sweep-1',
  }),
  'POST /v1/loyalty/programs/{programId}/redemptions': (ids) => ({
    customerId: ids.member,
    rewardId: ids.reward,
    idempotencyKey: 'sweep-1',
  }),
  'POST /v1/loyalty/programs/{programId}/referrals': (ids) => ({
    code: ids.referralCode,
    customerId: ids.person,
  }),
  'POST /v1/loyalty/programs/{programId}/rewards': () => ({ name: 'Tea', pointsCost: 5 }),
  'PATCH /v1/loyalty/programs/{programId}/rewards/{rewardId}': () => ({ pointsCost: 12 }),
  'POST /v1/loyalty/programs/{programId}/rewards/{rewardId}/coupons': () => ({
    codes: ['SWEEP-NEW-1'],
  }),
  'POST /v1/loyalty/programs/{programId}/partners': () => ({ name: 'Another partner' }),
  'POST /v1/loyalty/programs/{programId}/partner-transactions': (ids) => ({
    type: 'earn',
    customerId: ids.member,
    points: 5,
    reference: 'sweep-1',
  }),
  'POST /v1/loyalty/programs/{programId}/members/{customerId}/wallet/spend': () => ({
    amount: 1,
    idempotencyKey: 'sweep-1',
  }),
  'POST /v1/loyalty/jobs': (ids) => ({ kind: 'loyalty.tier-review', programId: ids.program }),
  'POST /v1/analytics/score-runs': () => ({ horizonWeeks: 26 }),
};

interface JsonSchema {
  $ref?: string;
  type?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

interface QueryParam {
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: ({ in: string } & QueryParam)[];
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
        'x-partner'?: string;
      }
    >
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface Endpoint {
  /** "METHOD /path" as in the OpenAPI document. */
  label: string;
  method: Method;
  path: string;
  pathParams: string[];
  queryParams: QueryParam[];
  body: 'object' | 'json' | 'csv' | 'none';
  /** Whose key calls it: the tenant's owner, or its partner. */
  caller: 'owner' | 'partner';
}

async function endpointsOfApp(): Promise<Endpoint[]> {
  const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  const document = res.json() as OpenApiDocument;
  const resolve = (schema: JsonSchema): JsonSchema => {
    let current = schema;
    while (current.$ref) {
      const found = document.components?.schemas?.[current.$ref.split('/').pop() ?? ''];
      if (!found) throw new Error(`unresolved ${current.$ref}`);
      current = found;
    }
    return current;
  };
  const isObject = (schema: JsonSchema): boolean => {
    const resolved = resolve(schema);
    const union = resolved.oneOf ?? resolved.anyOf;
    return union ? union.every(isObject) : resolved.type === 'object';
  };
  const endpoints: Endpoint[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const label = `${method.toUpperCase()} ${path}`;
      const json = operation.requestBody?.content['application/json'];
      const body = json
        ? isObject(json.schema)
          ? 'object'
          : 'json'
        : label in CSV_ROUTES
          ? 'csv'
          : 'none';
      endpoints.push({
        label,
        method: method.toUpperCase() as Method,
        path,
        pathParams: (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (operation.parameters ?? []).filter((p) => p.in === 'query'),
        body,
        // Only a partner's key may call it (staff keys get 403 before the body is read).
        caller: operation['x-partner'] === 'only' ? 'partner' : 'owner',
      });
    }
  }
  return endpoints;
}

/**
 * The routes as Fastify holds them (`printRoutes`, a tree): the non-HEAD methods under /v1, and
 * the other top-level paths. Catches a route left out of the OpenAPI document.
 */
function routesOfApp(): { v1Methods: number; otherTops: Set<string> } {
  const tree = t.app.printRoutes({ commonPrefix: false });
  let top = '';
  let v1Methods = 0;
  const otherTops = new Set<string>();
  for (const line of tree.split('\n')) {
    const node = /^(?<indent>[│ ]*)[├└]── (?<segment>\S+)(?: \((?<methods>[^)]+)\))?$/.exec(line);
    if (!node?.groups) continue;
    if (node.groups.indent === '') top = node.groups.segment ?? '';
    if (!top.startsWith('/v1')) {
      otherTops.add(top);
      continue;
    }
    const methods = (node.groups.methods ?? '').split(', ').filter((m) => m && m !== 'HEAD');
    v1Methods += methods.length;
  }
  return { v1Methods, otherTops };
}

function urlOf(endpoint: Endpoint, valueOf: (param: string) => string): string {
  return endpoint.path.replace(/\{(\w+)\}/g, (_match, name: string) =>
    encodeURIComponent(valueOf(name)),
  );
}

/** The entry of PATH_PARAMS for a parameter of a path; fails the test when there is none. */
function pathParamOf(endpoint: Endpoint, name: string) {
  const segments = endpoint.path.split('/');
  const before = segments[segments.indexOf(`{${name}}`) - 1];
  const key = `${before}/{${name}}`;
  const param = PATH_PARAMS[key];
  if (!param) {
    throw new Error(
      `${endpoint.label}: no id for the path parameter ${key}: add one to PATH_PARAMS (and create it in tenantObjects)`,
    );
  }
  return param;
}

/** The caller's credentials for an endpoint: the tenant's owner key, or its partner's. */
function authOf(tenant: Tenant, ids: Ids, endpoint: Endpoint): { authorization: string } {
  return endpoint.caller === 'partner'
    ? { authorization: `Bearer ${ids.partnerKey}` }
    : tenant.auth;
}

function exampleOf(endpoint: Endpoint, ids: Ids): Record<string, unknown> {
  const example = EXAMPLES[endpoint.label];
  if (!example) {
    throw new Error(`${endpoint.label}: no example body: add a valid one to EXAMPLES`);
  }
  return example(ids);
}

/** The query an endpoint requires (REQUIRED_QUERY); fails the test when a value is missing. */
function requiredQueryOf(endpoint: Endpoint, ids: Ids): Record<string, string> {
  const query = REQUIRED_QUERY[endpoint.label]?.(ids) ?? {};
  for (const param of endpoint.queryParams) {
    if (param.required && !(param.name in query)) {
      throw new Error(
        `${endpoint.label}: no value for the required query parameter ${param.name}: add one to REQUIRED_QUERY`,
      );
    }
  }
  return query;
}

/**
 * Values a query parameter refuses, read from its schema: not a number, out of range, not an
 * option, not an instant or an id, not the pattern, too long. (A parameter that is a string or a
 * list of strings is tried as a string.) Fails the test for a parameter that takes any string.
 */
function wrongValuesOf(endpoint: Endpoint, param: QueryParam): string[] {
  const schema = param.schema.anyOf?.[0] ?? param.schema;
  const wrong: string[] = [];
  if (schema.type === 'integer' || schema.type === 'number') {
    wrong.push('abc');
    if (schema.type === 'integer') wrong.push('1.5');
    if (schema.minimum !== undefined) wrong.push(String(schema.minimum - 1));
    if (schema.maximum !== undefined) wrong.push(String(schema.maximum + 1));
  }
  if (schema.enum) wrong.push('not-an-option');
  if (schema.format === 'date-time') wrong.push('2025-13-45T08:00:00Z', 'yesterday');
  if (schema.format === 'uuid') wrong.push('not-an-id');
  if (schema.pattern && !schema.format) wrong.push('!');
  if (schema.maxLength !== undefined) wrong.push('x'.repeat(schema.maxLength + 1));
  if (wrong.length === 0) {
    throw new Error(
      `${endpoint.label}: the query parameter ${param.name} takes any string: give it a type, a format, options or a maximum length`,
    );
  }
  return wrong;
}

/** A request an endpoint takes (its example body, the tenant's ids), with a query of one's own. */
/** The paths of every string in a JSON value. */
function textPathsOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => textPathsOf(item, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => textPathsOf(item, [...path, key]));
  return [];
}

/** A copy of `value` with the string at `path` changed by `change`. */
function withValueAt(
  value: unknown,
  path: readonly (string | number)[],
  change: (text: string) => string,
): unknown {
  if (path.length === 0) return typeof value === 'string' ? change(value) : value;
  const [head, ...rest] = path;
  if (Array.isArray(value))
    return value.map((item, i) => (i === head ? withValueAt(item, rest, change) : item));
  const object = value as Record<string, unknown>;
  return { ...object, [head as string]: withValueAt(object[head as string], rest, change) };
}

function sendWithQuery(
  tenant: Tenant,
  ids: Ids,
  endpoint: Endpoint,
  query: Record<string, string>,
) {
  const url = urlOf(endpoint, (name) => pathParamOf(endpoint, name).of(ids));
  const search = new URLSearchParams({ ...requiredQueryOf(endpoint, ids), ...query });
  const headers = authOf(tenant, ids, endpoint);
  return t.app.inject({
    method: endpoint.method,
    url: `${url}?${search.toString()}`,
    ...(endpoint.body === 'object' || endpoint.body === 'json'
      ? { headers, payload: exampleOf(endpoint, ids) }
      : endpoint.body === 'csv'
        ? {
            headers: { ...headers, 'content-type': 'text/csv' },
            payload: 'external_id,name\nx,X\n',
          }
        : { headers }),
  });
}

async function call(
  tenant: Tenant,
  method: Method,
  url: string,
  payload?: unknown,
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const res = await t.app.inject({
    method,
    url,
    headers: tenant.auth,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return {
    status: res.statusCode,
    body: String(res.headers['content-type']).includes('json') ? res.json() : {},
    text: res.body,
  };
}

/** Creates a tenant's objects, one of each kind the path parameters name. */
async function tenantObjects(tenant: Tenant, suffix: string): Promise<Ids> {
  const post = async (url: string, payload: object = {}) => {
    const res = await call(tenant, 'POST', url, payload);
    expect(res.status, `POST ${url}: ${res.text}`).toBeLessThan(300);
    return res.body;
  };
  const DAY = 86_400_000;
  const program = await post('/v1/loyalty/programs', {
    name: 'Points',
    currency: 'CNY',
    timeZone: 'Asia/Shanghai',
    earnRules: [{ kind: 'spend', points: 1, per: 100 }],
    pendingDays: 0,
    expiry: { kind: 'rolling', months: 12 },
    expiryWarningDays: 30,
    referral: { referrerPoints: 10, refereePoints: 10 },
    cashback: { rateBasisPoints: 100 },
  });
  const programId = program.id as string;
  // Earned 350 days ago: the points expire within the 30-day warning period (a notification).
  const order = await post('/v1/events', {
    id: `order-${suffix}`,
    type: 'purchase',
    customerExternalId: `member-${suffix}`,
    occurredAt: new Date(Date.now() - 350 * DAY).toISOString(),
    currency: 'CNY',
    amount: 20_000,
  });
  const member = order.customerId as string;
  await runJobNow(t, tenant.tenantId, 'loyalty.sweep');
  const notifications = await call(tenant, 'GET', '/v1/loyalty/notifications');
  const notification = (notifications.body.items as { id: string }[])[0]?.id;
  if (!notification) throw new Error(`no notification: ${notifications.text}`);

  const org = (await post('/v1/customers', { kind: 'organization', name: `Org ${suffix}` }))
    .id as string;
  const org2 = (await post('/v1/customers', { kind: 'organization', name: `Org 2 ${suffix}` }))
    .id as string;
  const person = (await post('/v1/customers', { kind: 'person', name: `Person ${suffix}` }))
    .id as string;
  await post(`/v1/customers/${org}/members`, { personId: person });
  await post(`/v1/customers/${org}/tags`, { tags: ['kept'] });

  const rewards = `/v1/loyalty/programs/${programId}/rewards`;
  const reward = (await post(rewards, { name: 'Coffee', pointsCost: 10 })).id as string;
  const couponCode = `SWEEP-${suffix.toUpperCase()}-1`;
  await post(`${rewards}/${reward}/coupons`, { codes: [couponCode] });
  const partner = await post(`/v1/loyalty/programs/${programId}/partners`, { name: 'Partner' });
  const memberUrl = `/v1/loyalty/programs/${programId}/members/${member}`;
  const referralCode = (await post(`${memberUrl}/referral-code`)).code as string;
  const memberToken = (await post(`${memberUrl}/link`, { days: 30 })).token as string;

  const apiKey = (await post('/v1/api-keys', { name: `Key ${suffix}`, role: 'agent' }))
    .id as string;
  const userEmail = `agent-${suffix}@sweep.test`;
  const user = (
    await post('/v1/users', {
      email: userEmail,
      name: 'Agent',
      role: 'agent',
      password: 'a long enough password',
    })
  ).id as string;
  const attributeKey = `note_${suffix}`;
  await post('/v1/customer-attributes', {
    key: attributeKey,
    labelZh: '备注',
    labelEn: 'Note',
    type: 'string',
  });
  const job = (await post('/v1/loyalty/jobs', { kind: 'loyalty.tier-review', programId }))
    .jobId as string;
  // Finished, as a worker leaves it: on PostgreSQL the test files share one schema, and another
  // file's worker could claim a queued job mid-sweep and change what GET /v1/jobs shows.
  await finishJob(
    t.database.db,
    { tenantId: tenant.tenantId, id: job },
    { ok: true, result: null },
  );
  return {
    org,
    person,
    org2,
    member,
    program: programId,
    reward,
    couponCode,
    partner: partner.id as string,
    partnerKey: partner.apiKey as string,
    apiKey,
    user,
    userEmail,
    job,
    notification,
    attributeKey,
    referralCode,
    memberToken,
  };
}

/**
 * What a tenant can see of its data, read through the API: the newest audit entry (every
 * change is audited) and each object the sweep's calls name. Equal before and after: no change.
 */
async function snapshotOf(tenant: Tenant, ids: Ids): Promise<Record<string, unknown>> {
  const program = `/v1/loyalty/programs/${ids.program}`;
  const member = `${program}/members/${ids.member}`;
  const urls = [
    '/v1/audit-log?limit=1',
    '/v1/customers?limit=200',
    `/v1/customers/${ids.org}`,
    `/v1/customers/${ids.org}/members`,
    `/v1/customers/${ids.org}/consent`,
    `/v1/customers/${ids.member}/timeline`,
    '/v1/customer-attributes',
    '/v1/api-keys',
    '/v1/users',
    '/v1/jobs',
    '/v1/loyalty/programs',
    `${program}/rules/versions`,
    `${program}/rewards`,
    `${program}/rewards/${ids.reward}/coupons`,
    `${program}/partners`,
    `${program}/members?limit=200`,
    member,
    `${member}/entries`,
    `${member}/wallet`,
    '/v1/loyalty/notifications',
  ];
  const snapshot: Record<string, unknown> = {};
  for (const url of urls) {
    const res = await call(tenant, 'GET', url);
    expect(res.status, `GET ${url}: ${res.text}`).toBe(200);
    // When a key was last used changes with every read, the snapshot's own included.
    snapshot[url] = JSON.parse(res.text, (key, value: unknown) =>
      key === 'lastUsedAt' ? undefined : value,
    );
  }
  return snapshot;
}

/** Each read of the snapshot as it was, the failure naming the read that changed. */
function expectUnchanged(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  label: string,
): void {
  for (const url of Object.keys(before))
    expect(after[url], `${label}: GET ${url}`).toEqual(before[url]);
}

function expectProblem(
  res: Awaited<ReturnType<typeof t.app.inject>>,
  label: string,
  status: number,
  code?: string,
): Record<string, unknown> {
  expect(res.statusCode, `${label}: ${res.body.slice(0, 500)}`).toBe(status);
  expect(res.headers['content-type'], label).toContain('application/problem+json');
  const body = res.json() as Record<string, unknown>;
  expect(body.status, label).toBe(status);
  if (code) expect(body.code, label).toBe(code);
  return body;
}

describe('every endpoint', () => {
  let endpoints: Endpoint[];
  let a: Tenant;
  let b: Tenant;
  let idsOfA: Ids;
  let idsOfB: Ids;
  beforeAll(async () => {
    endpoints = await endpointsOfApp();
    a = await newTenant(t, 'Tenant A');
    b = await newTenant(t, 'Tenant B');
    idsOfA = await tenantObjects(a, 'a');
    idsOfB = await tenantObjects(b, 'b');
  });

  it('are all in the OpenAPI document, and the sweep knows how each reads its input', () => {
    const routes = routesOfApp();
    expect(
      endpoints.length,
      'a /v1 route is missing from the OpenAPI document (schema.hide?): the sweep cannot see it',
    ).toBe(routes.v1Methods);
    expect([...routes.otherTops].sort(), 'a route outside /v1: list it in SKIPPED').toEqual(
      Object.keys(SKIPPED).sort(),
    );
    for (const endpoint of endpoints) {
      if (endpoint.body === 'object' || endpoint.body === 'json') exampleOf(endpoint, idsOfA);
      if (endpoint.body === 'none' && ['POST', 'PUT', 'PATCH'].includes(endpoint.method)) {
        expect(
          BODYLESS_WRITES.has(endpoint.label),
          `${endpoint.label} has no JSON body in the OpenAPI document: list it in CSV_ROUTES or BODYLESS_WRITES`,
        ).toBe(true);
      }
      for (const name of endpoint.pathParams) pathParamOf(endpoint, name);
      requiredQueryOf(endpoint, idsOfA);
      for (const param of endpoint.queryParams) wrongValuesOf(endpoint, param);
    }
    for (const label of [
      ...Object.keys(EXAMPLES),
      ...Object.keys(CSV_ROUTES),
      ...BODYLESS_WRITES,
      ...Object.keys(REQUIRED_QUERY),
    ])
      expect(
        endpoints.map((e) => e.label),
        `${label} is no longer registered`,
      ).toContain(label);
  });

  it('answer bad JSON bodies with a problem+json and change nothing', async () => {
    const before = await snapshotOf(a, idsOfA);
    let swept = 0;
    for (const endpoint of endpoints) {
      if (endpoint.body !== 'object' && endpoint.body !== 'json') continue;
      swept++;
      const url = urlOf(endpoint, (name) => pathParamOf(endpoint, name).of(idsOfA));
      const good = exampleOf(endpoint, idsOfA);
      const send = (payload: string) =>
        t.app.inject({
          method: endpoint.method,
          url,
          headers: { ...authOf(a, idsOfA, endpoint), 'content-type': 'application/json' },
          payload,
        });
      const label = endpoint.label;

      expectProblem(await send('{"oops": '), `${label} malformed`, 400, 'MALFORMED_JSON');
      for (const wrong of ['"a string"', '[1, 2]', '42', 'null']) {
        const problem = expectProblem(
          await send(wrong),
          `${label} ${wrong}`,
          400,
          'VALIDATION_FAILED',
        );
        const errors = problem.errors as { field: unknown }[] | undefined;
        expect(errors?.length, `${label} ${wrong}: a field error`).toBeGreaterThan(0);
        for (const error of errors ?? [])
          expect(typeof error.field, `${label} ${wrong}`).toBe('string');
      }
      if (endpoint.body === 'object') {
        const problem = expectProblem(
          await send(JSON.stringify({ ...good, surprise: 1 })),
          `${label} unknown field`,
          400,
          'VALIDATION_FAILED',
        );
        expect(problem.errors, `${label} unknown field`).toContainEqual(
          expect.objectContaining({ field: 'surprise', reason: 'unknown_field' }),
        );
      }
      const limit = BODY_LIMITS[label] ?? DEFAULT_BODY_LIMIT;
      expectProblem(
        await send(JSON.stringify({ ...good, pad: 'x'.repeat(limit) })),
        `${label} oversized`,
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expectUnchanged(before, await snapshotOf(a, idsOfA), `${label} changed something`);
    }
    expect(swept).toBeGreaterThan(30);
  });

  it('answer a body sent to a write that takes none with a problem+json and change nothing', async () => {
    // `{}` is no body: tenantObjects sends it to POST …/referral-code, and it is taken.
    const before = await snapshotOf(a, idsOfA);
    const bodyless = endpoints.filter((e) => e.body === 'none' && e.method !== 'GET');
    for (const endpoint of bodyless) {
      const url = urlOf(endpoint, (name) => pathParamOf(endpoint, name).of(idsOfA));
      const send = (payload: string) =>
        t.app.inject({
          method: endpoint.method,
          url: `${url}?${new URLSearchParams(requiredQueryOf(endpoint, idsOfA)).toString()}`,
          headers: { ...authOf(a, idsOfA, endpoint), 'content-type': 'application/json' },
          payload,
        });
      const label = endpoint.label;

      expectProblem(await send('{"oops": '), `${label} malformed`, 400, 'MALFORMED_JSON');
      const problem = expectProblem(
        await send('{"surprise": 1, "other": 2}'),
        `${label} a stray body`,
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors, `${label} a stray body`).toEqual([
        { field: 'surprise, other', message: 'unknown field', reason: 'unknown_field' },
      ]);
      for (const wrong of ['"a string"', '[1, 2]', '42']) {
        const wrongType = expectProblem(
          await send(wrong),
          `${label} ${wrong}`,
          400,
          'VALIDATION_FAILED',
        );
        expect(wrongType.errors, `${label} ${wrong}`).toContainEqual(
          expect.objectContaining({ field: '(body)', reason: 'invalid_type' }),
        );
      }
      expectProblem(
        await send(JSON.stringify({ pad: 'x'.repeat(DEFAULT_BODY_LIMIT) })),
        `${label} oversized`,
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expectUnchanged(before, await snapshotOf(a, idsOfA), `${label} changed something`);
    }
    // The POSTs of BODYLESS_WRITES and the DELETEs without a body.
    expect(bodyless.length).toBeGreaterThan(BODYLESS_WRITES.size);
  });

  it('answer a JSON null body as a body, not as none, and change nothing', async () => {
    // `null` is what a client sends on purpose: where a body is read (a write), it is 400
    // naming the body, on a write that takes none as on one that takes an object; a CSV
    // route refuses JSON; GET never reads a body (Fastify does not parse one), so it answers
    // as without it.
    const before = await snapshotOf(a, idsOfA);
    for (const endpoint of endpoints) {
      const label = `${endpoint.label} null`;
      const url = urlOf(endpoint, (name) => pathParamOf(endpoint, name).of(idsOfA));
      const query = new URLSearchParams(requiredQueryOf(endpoint, idsOfA)).toString();
      const send = (payload?: string) =>
        t.app.inject({
          method: endpoint.method,
          url: `${url}?${query}`,
          headers: {
            ...authOf(a, idsOfA, endpoint),
            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(payload === undefined ? {} : { payload }),
        });
      if (endpoint.method === 'GET') {
        const withNull = await send('null');
        expect(withNull.statusCode, `${label}: ${withNull.body.slice(0, 300)}`).toBe(
          (await send()).statusCode,
        );
        expect(withNull.statusCode, label).toBeLessThan(500);
      } else if (endpoint.body === 'csv') {
        expectProblem(await send('null'), label, 415, 'UNSUPPORTED_MEDIA_TYPE');
      } else {
        const problem = expectProblem(await send('null'), label, 400, 'VALIDATION_FAILED');
        expect(problem.errors, label).toEqual([
          expect.objectContaining({ field: '(body)', reason: 'invalid_type' }),
        ]);
      }
    }
    expectUnchanged(before, await snapshotOf(a, idsOfA), 'a null body changed something');
  });

  it('answer an unknown query parameter with 400 naming it and change nothing', async () => {
    const before = await snapshotOf(a, idsOfA);
    for (const endpoint of endpoints) {
      const label = `${endpoint.label} ?surprise=1`;
      const problem = expectProblem(
        await sendWithQuery(a, idsOfA, endpoint, { surprise: '1' }),
        label,
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors, label).toContainEqual({
        field: 'querystring.surprise',
        message: 'unknown field',
        reason: 'unknown_field',
      });
    }
    expectUnchanged(
      before,
      await snapshotOf(a, idsOfA),
      'an unknown query parameter changed something',
    );
  });

  it('except the probes and /docs, which ignore an unknown query parameter', async () => {
    expect(
      IGNORE_UNKNOWN_QUERY.map((path) => `/${path.split('/')[1]}`).sort(),
      'every route outside /v1 is listed in IGNORE_UNKNOWN_QUERY',
    ).toEqual(Object.keys(SKIPPED).sort());
    for (const path of IGNORE_UNKNOWN_QUERY) {
      const res = await t.app.inject({ method: 'GET', url: `${path}?_=1733580000&surprise=1` });
      expect(res.statusCode, `${path}: ${res.body.slice(0, 300)}`).toBe(200);
    }
  });

  it('answer a wrong value of each query parameter with 400 naming it and change nothing', async () => {
    const before = await snapshotOf(a, idsOfA);
    let swept = 0;
    for (const endpoint of endpoints) {
      for (const param of endpoint.queryParams) {
        for (const value of wrongValuesOf(endpoint, param)) {
          swept++;
          const label = `${endpoint.label} ?${param.name}=${value.slice(0, 20)}`;
          const problem = expectProblem(
            await sendWithQuery(a, idsOfA, endpoint, { [param.name]: value }),
            label,
            400,
            'VALIDATION_FAILED',
          );
          expect(problem.errors, label).toContainEqual(
            expect.objectContaining({ field: `querystring.${param.name}` }),
          );
        }
      }
    }
    expect(swept).toBeGreaterThan(50);
    expectUnchanged(
      before,
      await snapshotOf(a, idsOfA),
      'a wrong query parameter changed something',
    );
  });

  it('answer the NUL character in any text of a body or a query with 400 naming where, and change nothing', async () => {
    // PostgreSQL text cannot hold it: each of these was a 500 from inside a query.
    const before = await snapshotOf(a, idsOfA);
    let swept = 0;
    for (const endpoint of endpoints) {
      const label = endpoint.label;
      for (const param of endpoint.queryParams) {
        swept++;
        const problem = expectProblem(
          await sendWithQuery(a, idsOfA, endpoint, { [param.name]: 'a\u0000b' }),
          `${label} ?${param.name}=NUL`,
          400,
          'VALIDATION_FAILED',
        );
        expect(problem.errors, `${label} ?${param.name}`).toContainEqual(
          expect.objectContaining({ field: `querystring.${param.name}`, reason: 'invalid' }),
        );
      }
      if (endpoint.body !== 'object' && endpoint.body !== 'json') continue;
      // A batch answers each event on its own: its events are checked below, one by one.
      if (label === 'POST /v1/events:batch') continue;
      const url = urlOf(endpoint, (name) => pathParamOf(endpoint, name).of(idsOfA));
      const good = exampleOf(endpoint, idsOfA);
      for (const path of textPathsOf(good)) {
        swept++;
        const res = await t.app.inject({
          method: endpoint.method,
          url,
          headers: authOf(a, idsOfA, endpoint),
          payload: withValueAt(good, path, (text) => `${text}\u0000`) as Record<string, unknown>,
        });
        const problem = expectProblem(res, `${label} ${path.join('.')}`, 400, 'VALIDATION_FAILED');
        expect(problem.errors, `${label} ${path.join('.')}`).toContainEqual(
          expect.objectContaining({ field: fieldOfPath(path, '(body)'), reason: 'invalid' }),
        );
      }
    }
    expect(swept).toBeGreaterThan(100);
    expectUnchanged(before, await snapshotOf(a, idsOfA), 'a NUL character changed something');

    const purchase = (id: string, sku: string) => ({
      id,
      type: 'purchase',
      customerExternalId: 'nul-a',
      occurredAt: '2026-05-01T08:00:00Z',
      currency: 'CNY',
      amount: 100,
      lines: [{ sku, quantity: 1, amount: 100 }],
    });
    const batch = await t.app.inject({
      method: 'POST',
      url: '/v1/events:batch',
      headers: a.auth,
      payload: { events: [purchase('nul-ok', 'x'), purchase('nul-bad', 'x\u0000')] },
    });
    expect(batch.statusCode, batch.body).toBe(200);
    const results = (
      batch.json() as { results: { status: string; error?: { errors?: unknown[] } }[] }
    ).results;
    expect(
      results.map((result) => result.status),
      batch.body,
    ).toEqual(['created', 'error']);
    expect(results[1]?.error?.errors).toEqual([
      expect.objectContaining({ field: 'lines[0].sku', reason: 'invalid' }),
    ]);
  });

  it('answer a CSV body of the wrong type or size with a problem+json and change nothing', async () => {
    const before = await snapshotOf(a, idsOfA);
    const csvEndpoints = endpoints.filter((endpoint) => endpoint.body === 'csv');
    expect(csvEndpoints.map((endpoint) => endpoint.label).sort()).toEqual(
      Object.keys(CSV_ROUTES).sort(),
    );
    for (const endpoint of csvEndpoints) {
      const label = endpoint.label;
      const url = urlOf(endpoint, (name) => pathParamOf(endpoint, name).of(idsOfA));
      const send = (contentType: string, payload: string, headers: Record<string, string> = {}) =>
        t.app.inject({
          method: endpoint.method,
          url,
          headers: { ...authOf(a, idsOfA, endpoint), 'content-type': contentType, ...headers },
          payload,
        });
      for (const contentType of ['application/json', 'application/xml', 'image/png']) {
        expectProblem(
          await send(contentType, '{"external_id": "x", "name": "X"}'),
          `${label} as ${contentType}`,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        );
      }
      // The limits are hundreds of MiB: the request declares such a length, as an HTTP client
      // sending a file does, and is refused on the declaration, before a byte is read.
      const limit = CSV_ROUTES[label]?.bodyLimit ?? DEFAULT_BODY_LIMIT;
      expectProblem(
        await send('text/csv', 'external_id,name\nx,X\n', { 'content-length': String(limit + 1) }),
        `${label} oversized`,
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expectUnchanged(before, await snapshotOf(a, idsOfA), `${label} changed something`);
    }
  });

  it('answer an id that is not an id with 400 naming the path parameter', async () => {
    for (const endpoint of endpoints) {
      const ids = endpoint.pathParams.filter((name) => {
        const param = pathParamOf(endpoint, name);
        return !param.shared && param.missing === undefined;
      });
      for (const name of ids) {
        const url = urlOf(endpoint, (other) =>
          other === name ? 'not-an-id' : pathParamOf(endpoint, other).of(idsOfA),
        );
        const payload =
          endpoint.body === 'object' || endpoint.body === 'json'
            ? exampleOf(endpoint, idsOfA)
            : undefined;
        const problem = expectProblem(
          await t.app.inject({
            method: endpoint.method,
            url,
            headers: authOf(a, idsOfA, endpoint),
            ...(payload === undefined ? {} : { payload }),
          }),
          `${endpoint.label} with ${name} not-an-id`,
          400,
          'VALIDATION_FAILED',
        );
        expect(problem.errors, `${endpoint.label} with ${name} not-an-id`).toContainEqual(
          expect.objectContaining({ field: `params.${name}` }),
        );
      }
    }
  });

  it('answer another tenant’s ids as ids that name nothing (404) and change nothing', async () => {
    const before = await snapshotOf(a, idsOfA);
    let swept = 0;
    for (const endpoint of endpoints) {
      if (endpoint.pathParams.length === 0) continue;
      swept++;
      const expected = NOT_YOURS[endpoint.label] ?? { status: 404, code: undefined };
      const owned = endpoint.pathParams.filter((name) => !pathParamOf(endpoint, name).shared);
      // All of A's ids; then, with several, each of A's ids beside B's own others.
      const variants = [
        { foreign: owned, body: idsOfA },
        ...(owned.length > 1 ? owned.map((name) => ({ foreign: [name], body: idsOfB })) : []),
      ];
      for (const variant of variants) {
        const send = (foreignValueOf: (name: string) => string) => {
          const url = urlOf(endpoint, (name) =>
            variant.foreign.includes(name)
              ? foreignValueOf(name)
              : pathParamOf(endpoint, name).of(idsOfB),
          );
          const payload =
            endpoint.body === 'object' || endpoint.body === 'json'
              ? exampleOf(endpoint, variant.body)
              : undefined;
          return t.app.inject({
            method: endpoint.method,
            url,
            headers: authOf(b, idsOfB, endpoint),
            ...(payload === undefined ? {} : { payload }),
          });
        };
        const label = `${endpoint.label} as tenant B with ${variant.foreign.join(', ')} of tenant A`;
        const theirs = expectProblem(
          await send((name) => pathParamOf(endpoint, name).of(idsOfA)),
          label,
          expected.status,
          expected.code,
        );
        const none = expectProblem(
          await send((name) => pathParamOf(endpoint, name).missing ?? NO_SUCH_ID),
          `${label}, as ids that name nothing`,
          expected.status,
        );
        expect(none.code, `${label}: answers as ids that name nothing`).toBe(theirs.code);
      }
      expectUnchanged(before, await snapshotOf(a, idsOfA), `${endpoint.label} changed tenant A`);
    }
    expect(swept).toBeGreaterThan(40);
  });
});
