/**
 * Platform: tenants, users and roles, API keys, sessions, the audit log, idempotency records
 * and the job queue. Every other module may use what is exported here.
 *
 * @example
 * const created = await createTenant(db, { name: 'Acme' });
 * const actor = await authenticateApiKey(db, created.apiKey); // { tenantId, role: 'owner', … }
 */
export type { PlatformTables } from './platform.table.ts';
export { platformMigrations } from './platform.migrations.ts';
export { SESSION_COOKIE } from './platform.service.ts';
export {
  createTenant,
  createApiKey,
  listApiKeys,
  INITIAL_KEY_NAME,
  replaceApiKeys,
  revokeApiKey,
  authenticateApiKey,
  authenticateSession,
  login,
  logout,
  describeSession,
  createUser,
  updateUser,
  listUsers,
  findTenant,
  findDemoTenant,
  listTenants,
  listAudit,
  recordAudit,
  recordAudits,
  redactAudit,
  type AuditChange,
  type AuditTargetNames,
  systemContext,
  customerContext,
  type CreatedTenant,
} from './platform.service.ts';
export {
  runIdempotent,
  answerOncePerKey,
  idempotencyKeyHeader,
  hashRequest,
  redactIdempotentResults,
  type IdempotentResult,
} from './idempotency.ts';
export { encodeCursor, decodeCursor, isUuid } from './cursor.ts';
export {
  enqueueJob,
  enqueueJobOnce,
  pruneSucceededJobs,
  findJob,
  listJobs,
  claimNextJob,
  reportJobProgress,
  finishJob,
  JobFailure,
  type Job,
} from './jobs.ts';
export { registerPlatformRoutes } from './platform.routes.ts';
