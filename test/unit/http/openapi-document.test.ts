import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { route } from '../../../functions/entries/http/openapi.ts';
import {
  OPENAPI_FILE,
  OPENAPI_GZIP_FILE,
  openApiJson,
  unzipModule,
} from '../../../functions/http/generate-openapi.ts';

describe('the served OpenAPI document', () => {
  it('is the document generated from every spec now (run `npm run api:generate` if not)', () => {
    // A plain equality, so that the diff shows which route or schema changed.
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(openApiJson());
  });

  it('is bundled as its gzip module, holding the same document', () => {
    expect(unzipModule(readFileSync(OPENAPI_GZIP_FILE, 'utf8'))).toBe(openApiJson());
  });

  it('is what GET /openapi.json answers, cacheable', async () => {
    const res = await route.handler(
      {
        version: '2.0',
        routeKey: 'GET /openapi.json',
        rawPath: '/openapi.json',
        rawQueryString: '',
        headers: {},
        requestContext: { http: { method: 'GET', path: '/openapi.json' }, requestId: 'r' },
        isBase64Encoded: false,
      } as never,
      { awsRequestId: 'r' } as never,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['cache-control']).toBe('public, max-age=300');
    expect(`${JSON.stringify(JSON.parse(res.body as string), null, 2)}\n`).toBe(openApiJson());
  });
});
