import { gunzipSync } from 'node:zlib';
import { OPENAPI_GZIP_BASE64 } from '../../http/openapi-gzip.ts';
import { openapi } from '../../http/specs/openapi.ts';
import { defineRoute, noAuthenticator } from '../../lib/http.ts';

/**
 * GET /openapi.json: the document generated from every route's spec (functions/http/openapi.ts over
 * routes.ts, written by `npm run api:generate`; test/unit/http/openapi-document.test.ts fails while it is
 * stale). Served as committed, so this function bundles neither zod, the specs nor the generator.
 */
// Bundled gzipped (functions/http/openapi-gzip.ts): ~30 KB instead of ~150 KB of JSON; unzipped once.
const document: unknown = JSON.parse(gunzipSync(Buffer.from(OPENAPI_GZIP_BASE64, 'base64')).toString('utf8'));

export const route = defineRoute(openapi, noAuthenticator, async () => ({
  status: 200,
  body: document,
  headers: { 'cache-control': 'public, max-age=300' },
}));
export const { handler } = route;
