import document from '../../http/openapi.json' with { type: 'json' };
import { openapi } from '../../http/openapi-spec.ts';
import { defineRoute, noAuthenticator } from '../../lib/http.ts';

/**
 * GET /openapi.json: the document generated from every route's spec (functions/http/openapi.ts over
 * routes.ts, written by `npm run api:generate`; test/unit/http/openapi-document.test.ts fails while it is
 * stale). Served as committed, so this function bundles neither zod, the specs nor the generator.
 */
export const route = defineRoute(openapi, noAuthenticator, async () => ({
  status: 200,
  body: document,
  headers: { 'cache-control': 'public, max-age=300' },
}));
export const { handler } = route;
