import * as z from 'zod';
import { defineSpec } from '../lib/route-spec.ts';

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

export const openapi = defineSpec({
  operationId: 'openapi',
  method: 'GET',
  path: '/openapi.json',
  summary: 'This API as OpenAPI 3.1, generated from the zod schemas',
  tags: ['service'],
  auth: 'public',
  responses: [{ status: 200, description: 'OpenAPI 3.1 document' }],
  // Generated from the specs (pure data): no data access at all.
  access: {},
});
