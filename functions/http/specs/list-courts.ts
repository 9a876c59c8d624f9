import { defineSpec } from '../../lib/route-spec.ts';
import { COMMON_ERRORS, Court, CourtsQuery, Page } from '../schemas.ts';

export const listCourts = defineSpec({
  operationId: 'listCourts',
  method: 'GET',
  path: '/courts',
  summary: 'Courts, filtered by level, parent or province',
  tags: ['reference'],
  auth: 'jwt',
  query: CourtsQuery,
  responses: [{ status: 200, description: 'A page', schema: Page(Court) }, ...COMMON_ERRORS],
  access: { table: { read: ['COURTS'] } },
});
