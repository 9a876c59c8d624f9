import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/http/routes.ts';
import { handlerCatalog } from '../../infra/stacks/catalog.ts';
import { api, baseUrl } from '../support/api.ts';

/** The API reference page exists in local mode only (infra/local/docs-route.ts). */
describe('GET /docs (local runner)', () => {
  it('serves an HTML page that loads the local Scalar bundle over /openapi.json', async () => {
    const res = await api('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = res.body as string;
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<script src="/docs/standalone.js"></script>');
    expect(html).toContain("url: '/openapi.json'");
    // Nothing from a CDN: the page works offline (and in China). Scalar's own calls home stay off: web
    // fonts, telemetry, the AI agent and the share/deploy tools (checked by hand in chromium: the page
    // then makes no request outside this origin).
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('withDefaultFonts: false');
    expect(html).toContain('telemetry: false');
    expect(html).toContain('agent: { disabled: true }');
    expect(html).toContain("showDeveloperTools: 'never'");
  });

  it('serves the bundle it loads, as JavaScript', async () => {
    const res = await fetch(`${baseUrl()}/docs/standalone.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    const js = await res.text();
    expect(js.length).toBeGreaterThan(1_000_000);
    expect(js).toContain('createApiReference');
  });

  it('is not a deployed route: not in apiRoutes, the CDK catalog or the OpenAPI document', async () => {
    expect(apiRoutes.filter((r) => r.spec.path.startsWith('/docs'))).toEqual([]);
    const catalog = handlerCatalog();
    expect(catalog.http.filter((f) => f.route.path.startsWith('/docs'))).toEqual([]);
    const doc = await api('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths).filter((p) => p.startsWith('/docs'))).toEqual([]);
  });
});
