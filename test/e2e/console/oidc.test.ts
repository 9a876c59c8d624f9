import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, token } from '../../support/api.ts';
import { checkPage, eventually, launchChromium } from './browser.ts';

/**
 * Sign-in in a deployment: the console reads `oidc` mode from config.json and signs in with the
 * courts' identity provider by authorization code + PKCE. A minimal provider stands in for it here;
 * it checks the PKCE verifier against the challenge and hands out a token the local API accepts.
 */
interface AuthorizeRequest {
  params: URLSearchParams;
  code: string;
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
let issuer = '';
let idp: Server;
let browser: Browser;
const authorizations: AuthorizeRequest[] = [];
const exchanges: { verified: boolean; grantType: string | null; clientSecret: string | null }[] = [];

beforeAll(async () => {
  idp = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    if (url.pathname === '/.well-known/openid-configuration') {
      res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
        }),
      );
      return;
    }
    if (url.pathname === '/authorize') {
      // The judge "logs in" at once; the provider sends the browser back with a one-time code.
      const code = randomBytes(16).toString('hex');
      authorizations.push({ params: url.searchParams, code });
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', async () => {
        const form = new URLSearchParams(body);
        const auth = authorizations.find((a) => a.code === form.get('code'));
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        const verified =
          auth !== undefined &&
          auth.params.get('code_challenge_method') === 'S256' &&
          auth.params.get('code_challenge') === challenge &&
          auth.params.get('redirect_uri') === form.get('redirect_uri');
        exchanges.push({
          verified,
          grantType: form.get('grant_type'),
          clientSecret: form.get('client_secret'),
        });
        if (!verified) {
          res
            .writeHead(400, { ...cors, 'content-type': 'application/json' })
            .end('{"error":"invalid_grant"}');
          return;
        }
        // The courts' provider issues the JWT the API verifies; locally that is a dev token.
        const accessToken = await token('BJ0108', ['approver'], 'oidc-judge-wang');
        const now = Math.floor(Date.now() / 1000);
        const idToken = `${b64url({ alg: 'none' })}.${b64url({
          iss: issuer,
          aud: 'relief-console',
          sub: 'oidc-judge-wang',
          iat: now,
          exp: now + 600,
        })}.`;
        res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(
          JSON.stringify({
            access_token: accessToken,
            id_token: idToken,
            token_type: 'Bearer',
            expires_in: 600,
            scope: 'openid profile',
          }),
        );
      });
      return;
    }
    res.writeHead(404, cors).end();
  });
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => idp?.close(resolve));
});

describe('sign-in with the courts’ identity provider', () => {
  it('uses authorization code with PKCE (S256, no client secret) and calls the API with the access token', async () => {
    // The deployment's CSP lists its issuer; the local runner's lists none, so it is bypassed here.
    const context = await browser.newContext({ locale: 'zh-CN', bypassCSP: true });
    await context.route('**/console/config.json', (route) =>
      route.fulfill({
        json: { mode: 'oidc', apiUrl: '/', oidc: { issuer, clientId: 'relief-console' } },
      }),
    );
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/console/applications`);
    await page.waitForURL(/\/console\/sign-in/);
    await eventually(() => page.getByRole('button', { name: '前往统一身份认证登录' }).count()).toBe(1);
    await checkPage(page, 'sign-in-oidc');

    await page.getByRole('button', { name: '前往统一身份认证登录' }).click();
    await page.waitForURL(/\/console\/applications$/);
    await eventually(() => page.getByTestId('signed-in-as').textContent()).toContain('北京市海淀区人民法院');
    expect(await page.getByTestId('signed-in-as').textContent()).toContain('oidc-judge-wang');
    await eventually(() => page.locator('.ant-table').count()).toBe(1);

    const [authorize] = authorizations;
    expect(authorize?.params.get('response_type')).toBe('code');
    expect(authorize?.params.get('client_id')).toBe('relief-console');
    expect(authorize?.params.get('code_challenge_method')).toBe('S256');
    expect(authorize?.params.get('redirect_uri')).toBe(`${baseUrl()}/console/callback`);
    expect(exchanges).toEqual([{ verified: true, grantType: 'authorization_code', clientSecret: null }]);
    // The token lives for the tab only.
    const stored = await page.evaluate(() => {
      // Runs in the page (the test's tsconfig has no DOM types).
      const w = globalThis as unknown as { sessionStorage: object; localStorage: object };
      return { session: Object.keys(w.sessionStorage), local: JSON.stringify(w.localStorage) };
    });
    expect(stored.session).toContain('relief.console.session');
    expect(stored.local).not.toContain('eyJ');
    await context.close();
  }, 60_000);
});
