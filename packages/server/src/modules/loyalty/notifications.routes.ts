import { z } from 'zod';
import {
  id,
  loyaltyNotification,
  noQuery,
  notificationList,
  notificationListQuery,
} from '@fidelis/contracts';
import type { FidelisApp } from '../../http/fastify.ts';
import { contextOf } from '../../http/fastify.ts';
import { refuseBody } from '../../http/no-body.ts';
import type { LoyaltyServiceDb } from './programs.service.ts';
import * as service from './notifications.service.ts';

const tags = ['loyalty'];

/** The notifications outbox: list what is to be sent, mark what was. */
export function registerNotificationRoutes(app: FidelisApp, db: LoyaltyServiceDb): void {
  app.get('/v1/loyalty/notifications', {
    schema: {
      tags,
      summary: 'Notifications to members (points about to expire), oldest first, keyset-paged',
      querystring: notificationListQuery,
      response: { 200: notificationList },
    },
    config: { permission: 'loyalty:read' },
    handler: async (request) => service.listNotifications(db, contextOf(request), request.query),
  });

  app.post('/v1/loyalty/notifications/:notificationId/delivered', {
    schema: {
      tags,
      summary: 'Mark a notification delivered (again: the same answer)',
      params: z.strictObject({ notificationId: id }),
      querystring: noQuery,
      response: { 200: loyaltyNotification },
    },
    config: { permission: 'loyalty:operate' },
    preValidation: refuseBody,
    handler: async (request) =>
      service.markNotificationDelivered(db, contextOf(request), request.params.notificationId),
  });
}
