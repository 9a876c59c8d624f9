import { defineSpec } from '../../lib/route-spec.ts';
import { Application, ApplicationParams, COMMON_ERRORS, problem } from '../schemas.ts';

export const getApplication = defineSpec({
  operationId: 'getApplication',
  method: 'GET',
  path: '/applications/{id}',
  summary: 'Read one application within your jurisdiction',
  tags: ['applications'],
  auth: 'jwt',
  params: ApplicationParams,
  responses: [
    { status: 200, description: 'The application', schema: Application },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
  ],
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'] } },
});
