import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';

export const health = defineSpec({
  operationId: 'health',
  method: 'GET',
  path: '/health',
  summary: 'Liveness',
  tags: ['service'],
  auth: 'public',
  responses: [
    { status: 200, description: 'Up', schema: z.object({ status: z.literal('ok'), service: z.string() }) },
  ],
  // A static answer: no data access at all.
  access: {},
});
