import { defineSpec } from '../../lib/route-spec.ts';

/**
 * GET /openapi.json. Its own module, without zod: the entry serves the committed document
 * (openapi.json, generated from every spec by `npm run api:generate`, checked by a unit test), so its
 * bundle carries neither zod nor the specs nor the generator.
 */
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
