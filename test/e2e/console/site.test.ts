import { describe, expect, it } from 'vitest';
import { api, baseUrl } from '../../support/api.ts';

/** The console on the API's origin: pages under /console/, the API's paths untouched. */
const get = (path: string, init: RequestInit = {}) =>
  fetch(`${baseUrl()}${path}`, { redirect: 'manual', ...init });

describe('the console on the runner', () => {
  it('redirects / to the console entry', async () => {
    const res = await get('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/console/');
  });

  it('serves the single-page app for every page path, with a strict content security policy', async () => {
    for (const path of [
      '/console/',
      '/console/applications',
      '/console/applications/01J0000000000000000000000A',
      '/console/queue',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      // Frames only for the documents the page itself fetched and shows inline (blob: URLs), nothing else.
      expect(csp.split('; ')).toContain('frame-src blob:');
      expect(csp).toContain("object-src 'none'");
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root"></div>');
    }
  });

  it('serves hashed assets as immutable, and 404 for an unknown asset or a path outside the build', async () => {
    const html = await (await get('/console/')).text();
    const entry = html.match(/src="(\/console\/assets\/[^"]+\.js)"/)?.[1] as string;
    const asset = await get(entry);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await get('/console/assets/missing-0000.js')).status).toBe(404);
    expect((await get('/console/..%2f..%2fpackage.json')).status).toBe(404);
    expect((await get('/console/.source-hash')).status).not.toBe(200);
  });

  it('serves the runtime configuration the console reads at start (local mode, same-origin API)', async () => {
    const res = await get('/console/config.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ mode: 'local', apiUrl: '/' });
  });

  it('leaves every API path to the API', async () => {
    expect((await api('GET', '/health')).body).toEqual({ status: 'ok', service: 'relief' });
    const list = await api('GET', '/applications');
    expect(list.status).toBe(401);
    expect(list.body.code).toBe('TOKEN_MISSING');
    const post = await api('POST', '/console/');
    expect(post.status).toBe(404);
    expect(post.body.code).toBe('ROUTE_NOT_FOUND');
  });
});
