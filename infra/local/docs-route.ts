import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { defineRoute, type Route } from '../../functions/lib/http.ts';

/**
 * `GET /docs` — local mode only: an API reference page (Scalar) over the served `GET /openapi.json`.
 * Like `POST /dev/tokens` it is never part of apiRoutes, so no deployment carries it. The page loads
 * Scalar's self-contained browser bundle from this server (`GET /docs/standalone.js`, from
 * node_modules), not from a CDN, and is told not to fetch web fonts, send telemetry or offer its AI agent
 * and sharing tools (which call scalar.com): it works offline.
 */
export const DOCS_PATH = '/docs';
export const DOCS_BUNDLE_PATH = '/docs/standalone.js';

const require = createRequire(import.meta.url);

export const DOCS_HTML = `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>relief API — 涉民生执行案件保险救助 (local)</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="${DOCS_BUNDLE_PATH}"></script>
    <script>
      Scalar.createApiReference('#app', {
        url: '/openapi.json',
        withDefaultFonts: false,
        telemetry: false,
        // Both would reach scalar.com: the AI agent (on by default on localhost) and the share/deploy tools.
        agent: { disabled: true },
        showDeveloperTools: 'never',
      });
    </script>
  </body>
</html>
`;

const noAuthenticator = () => {
  throw new Error('no authenticator for local-only routes');
};

let bundle: Promise<Buffer> | undefined;
function scalarBundle(): Promise<Buffer> {
  bundle ??= readFile(require.resolve('@scalar/api-reference/browser/standalone.js'));
  return bundle;
}

export function docsRoutes(): Route[] {
  return [
    defineRoute(
      {
        operationId: 'apiDocs',
        method: 'GET',
        path: DOCS_PATH,
        summary: 'API reference page over /openapi.json (local runner only)',
        tags: ['local'],
        auth: 'local-only',
        access: {},
        responses: [{ status: 200, description: 'HTML page', contentType: 'text/html' }],
      },
      noAuthenticator,
      async () => ({
        status: 200,
        raw: { contentType: 'text/html; charset=utf-8', data: DOCS_HTML },
      }),
    ),
    defineRoute(
      {
        operationId: 'apiDocsBundle',
        method: 'GET',
        path: DOCS_BUNDLE_PATH,
        summary: 'Scalar API reference browser bundle (local runner only)',
        tags: ['local'],
        auth: 'local-only',
        access: {},
        responses: [{ status: 200, description: 'JavaScript', contentType: 'text/javascript' }],
      },
      noAuthenticator,
      async () => ({
        status: 200,
        headers: { 'cache-control': 'public, max-age=3600' },
        raw: { contentType: 'text/javascript; charset=utf-8', data: await scalarBundle() },
      }),
    ),
  ];
}
