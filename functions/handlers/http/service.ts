import * as z from 'zod';
import { defineRoute } from '../../lib/http.ts';
import { authenticator } from '../deps.ts';
import { buildOpenApiDocument } from './openapi.ts';

export const health = defineRoute(
  {
    operationId: 'health',
    method: 'GET',
    path: '/health',
    summary: 'Liveness',
    tags: ['service'],
    auth: 'public',
    responses: [
      { status: 200, description: 'Up', schema: z.object({ status: z.literal('ok'), service: z.string() }) },
    ],
  },
  authenticator,
  async () => ({ status: 200, body: { status: 'ok', service: 'relief' } }),
);

let document: unknown;

export const openapi = defineRoute(
  {
    operationId: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API as OpenAPI 3.1, generated from the zod schemas',
    tags: ['service'],
    auth: 'public',
    responses: [{ status: 200, description: 'OpenAPI 3.1 document' }],
  },
  authenticator,
  async () => {
    document ??= buildOpenApiDocument((await import('./routes.ts')).apiRoutes);
    return { status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
  },
);
