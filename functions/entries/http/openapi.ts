import { buildOpenApiDocument } from '../../http/openapi.ts';
import { apiRoutes } from '../../http/routes.ts';
import { openapi } from '../../http/service.ts';
import { defineRoute, noAuthenticator } from '../../lib/http.ts';

/** GET /openapi.json: generated once per cold start from every route's spec (pure data: no client here). */
let document: unknown;

export const route = defineRoute(openapi, noAuthenticator, async () => {
  document ??= buildOpenApiDocument(apiRoutes);
  return { status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
});
export const { handler } = route;
