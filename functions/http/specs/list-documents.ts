import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { ApplicationParams, COMMON_ERRORS, Document, problem } from '../schemas.ts';

export const listDocuments = defineSpec({
  operationId: 'listDocuments',
  method: 'GET',
  path: '/applications/{id}/documents',
  summary: "List an application's documents",
  tags: ['documents'],
  auth: 'jwt',
  params: ApplicationParams,
  responses: [
    {
      status: 200,
      description: 'All documents, oldest first',
      schema: z.object({ items: z.array(Document), nextCursor: z.null() }),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
  ],
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'] } },
});
