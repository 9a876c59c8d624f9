import { defineSpec } from '../../lib/route-spec.ts';
import { Application, COMMON_ERRORS, ListApplicationsQuery, Page, problem } from '../schemas.ts';

export const listApplications = defineSpec({
  operationId: 'listApplications',
  method: 'GET',
  path: '/applications',
  summary:
    'List applications within your jurisdiction, newest first (the approver’s queue with pendingAt: oldest first)',
  tags: ['applications'],
  auth: 'jwt',
  query: ListApplicationsQuery,
  responses: [
    { status: 200, description: 'A page', schema: Page(Application) },
    ...COMMON_ERRORS,
    problem(403, 'QUEUE_NOT_YOURS (pendingAt names another court)'),
    problem(404, 'courtCode outside your jurisdiction'),
    problem(422, 'CAMPAIGN_REQUIRED (SPC)'),
  ],
  // APP: gsi1-3 hold only what the list filters on; a page reads its items by key (BatchGetItem).
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'], indexes: ['gsi1', 'gsi2', 'gsi3', 'gsi5'] } },
});
