import { z } from 'zod';
import type { Kysely } from 'kysely';
import {
  clvDistribution,
  clvDistributionQuery,
  cohortRetention,
  customerScore,
  id,
  modelTracking,
  noQuery,
  revenueConcentration,
  rfmGrid,
  scoreRunAccepted,
  scoreRunCreate,
  scoresPage,
  scoresQuery,
  valueAtRisk,
  valueAtRiskQuery,
} from '@fidelis/contracts';
import type { FidelisApp } from '../../http/fastify.ts';
import { contextOf } from '../../http/fastify.ts';
import { answerOncePerKey, idempotencyKeyHeader, type PlatformTables } from '../platform/index.ts';
import * as service from './scores.service.ts';
import type { ScoresTables } from './scores.table.ts';

export interface ScoresRouteDeps {
  db: Kysely<ScoresTables & PlatformTables>;
  /** Names and contacts for the value-at-risk list; without it they are null. */
  customerCards?: service.CustomerCards;
}

const tags = ['analytics'];

export function registerScoresRoutes(app: FidelisApp, deps: ScoresRouteDeps): void {
  const { db } = deps;

  app.post('/v1/analytics/score-runs', {
    schema: {
      tags,
      summary: 'Score every customer now (background job; follow it at /v1/jobs/{jobId})',
      description:
        'With an `Idempotency-Key` header a retry answers the job the first request queued (header `idempotent-replayed`) instead of scoring every customer twice.',
      querystring: noQuery,
      headers: idempotencyKeyHeader,
      body: scoreRunCreate,
      response: { 202: scoreRunAccepted },
    },
    config: { permission: 'analytics:run' },
    handler: async (request, reply) => {
      const context = contextOf(request);
      return answerOncePerKey(
        db,
        request,
        reply,
        { scope: 'scores.runs.request', status: 202 },
        (trx) => service.requestScoreRun(trx, context, request.body),
      );
    },
  });

  app.get('/v1/analytics/scores', {
    schema: {
      tags,
      summary: 'Customer scores, highest CLV (or P(alive)) first; filter by segment or churn risk',
      querystring: scoresQuery,
      response: { 200: scoresPage },
    },
    config: { permission: 'analytics:read' },
    handler: async (request) => service.listScores(db, contextOf(request), request.query),
  });

  app.get('/v1/customers/:id/scores', {
    schema: {
      tags,
      summary: "A customer's RFM, P(alive), expected purchases, CLV and churn risk",
      params: z.strictObject({ id }),
      querystring: noQuery,
      response: { 200: customerScore },
    },
    config: { permission: 'analytics:read' },
    handler: async (request) =>
      service.getCustomerScores(db, contextOf(request), request.params.id),
  });

  app.get('/v1/analytics/rfm-grid', {
    schema: {
      tags,
      summary: 'RFM grid: customers and revenue per R × FM cell and per named segment',
      querystring: noQuery,
      response: { 200: rfmGrid },
    },
    config: { permission: 'analytics:read' },
    handler: async (request) => service.getRfmGrid(db, contextOf(request)),
  });

  app.get('/v1/analytics/clv-distribution', {
    schema: {
      tags,
      summary: 'Histogram of customer lifetime value',
      querystring: clvDistributionQuery,
      response: { 200: clvDistribution },
    },
    config: { permission: 'analytics:read' },
    handler: async (request) =>
      service.getClvDistribution(db, contextOf(request), request.query.buckets),
  });

  app.get('/v1/analytics/value-at-risk', {
    schema: {
      tags,
      summary: 'Valuable customers likely lost: (1 − P(alive)) × CLV if alive, highest first',
      querystring: valueAtRiskQuery,
      response: { 200: valueAtRisk },
    },
    config: { permission: 'analytics:read' },
    handler: async (request) =>
      service.getValueAtRisk(db, contextOf(request), request.query.limit, deps.customerCards),
  });

  app.get('/v1/analytics/cohorts', {
    schema: {
      tags,
      summary: 'Monthly cohort retention matrix',
      querystring: noQuery,
      response: { 200: cohortRetention },
    },
    config: { permission: 'analytics:read' },
    handler: async (request) => service.getCohorts(db, contextOf(request)),
  });

  app.get('/v1/analytics/concentration', {
    schema: {
      tags,
      summary: 'Revenue concentration: the 80/20 (Pareto) curve and Gini',
      querystring: noQuery,
      response: { 200: revenueConcentration },
    },
    config: { permission: 'analytics:read' },
    handler: async (request) => service.getConcentration(db, contextOf(request)),
  });

  app.get('/v1/analytics/model-tracking', {
    schema: {
      tags,
      summary: 'Actual vs predicted cumulative repeat purchases by week, with the fitted models',
      querystring: noQuery,
      response: { 200: modelTracking },
    },
    config: { permission: 'analytics:read' },
    handler: async (request) => service.getModelTracking(db, contextOf(request)),
  });
}
