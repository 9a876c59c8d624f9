import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, UnauthorizedError } from '../../../functions/lib/auth.ts';
import { defineRoute } from '../../../functions/lib/http.ts';
import {
  DEV_SIGNING_KEY_FILE,
  devJwks,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  loadOrCreateDevSigningKey,
  mintDevToken,
} from '../../../infra/local/dev-tokens.ts';
import { type HttpGateway, startHttpGateway } from '../../../infra/local/http-gateway.ts';
import { send } from './client.ts';

const claims = {
  sub: 'clerk-k10',
  court: 'K10',
  roles: ['clerk'] as const,
  issuer: LOCAL_ISSUER,
  audience: LOCAL_AUDIENCE,
};

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'relief-dev-tokens-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  return path.join(dir, name);
}

describe('loadOrCreateDevSigningKey', () => {
  it('creates an ES256 private JWK file with mode 0600 in a new directory', async () => {
    const keyDir = await freshDir('create');
    const key = await loadOrCreateDevSigningKey(keyDir);
    const file = path.join(keyDir, DEV_SIGNING_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored).toMatchObject({ kty: 'EC', crv: 'P-256', kid: key.kid, alg: 'ES256' });
    expect(typeof stored.d).toBe('string');
    expect(key.publicJwk).not.toHaveProperty('d');
  });

  it('returns the same key after a restart, so earlier tokens stay valid', async () => {
    const keyDir = await freshDir('restart');
    const first = await loadOrCreateDevSigningKey(keyDir);
    const token = await mintDevToken(first, claims);
    const second = await loadOrCreateDevSigningKey(keyDir);
    expect(second.kid).toBe(first.kid);
    const verifier = createTokenVerifier({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      jwks: devJwks(second),
    });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({
      sub: 'clerk-k10',
      court: 'K10',
      roles: ['clerk'],
    });
  });

  it('gives concurrent callers one and the same key', async () => {
    const keyDir = await freshDir('concurrent');
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDevSigningKey(keyDir)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
  });

  it('tightens a key file readable by others back to 0600', async () => {
    const keyDir = await freshDir('mode');
    await loadOrCreateDevSigningKey(keyDir);
    const file = path.join(keyDir, DEV_SIGNING_KEY_FILE);
    await chmod(file, 0o644);
    await loadOrCreateDevSigningKey(keyDir);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a corrupt key file and leaves it in place', async () => {
    const keyDir = await freshDir('corrupt');
    await loadOrCreateDevSigningKey(keyDir);
    const file = path.join(keyDir, DEV_SIGNING_KEY_FILE);
    await writeFile(file, '{"kty":"RSA"}');
    await expect(loadOrCreateDevSigningKey(keyDir)).rejects.toThrow(DEV_SIGNING_KEY_FILE);
    await writeFile(file, 'not json');
    await expect(loadOrCreateDevSigningKey(keyDir)).rejects.toThrow(DEV_SIGNING_KEY_FILE);
    expect(await readFile(file, 'utf8')).toBe('not json');
  });
});

describe('devJwks and mintDevToken', () => {
  it('publishes the public key with kid, alg ES256 and use sig', async () => {
    const key = await loadOrCreateDevSigningKey(await freshDir('jwks'));
    const jwks = devJwks(key);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: key.kid, alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('mints a compact ES256 JWT with kid and the standard claims, valid 8 hours by default', async () => {
    const key = await loadOrCreateDevSigningKey(await freshDir('mint'));
    const token = await mintDevToken(key, { ...claims, roles: ['approver', 'clerk'] });
    expect(token.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: key.kid });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({
      sub: 'clerk-k10',
      court: 'K10',
      roles: ['approver', 'clerk'],
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(8 * 3600);
  });

  it('mints tokens that expire when asked to', async () => {
    const key = await loadOrCreateDevSigningKey(await freshDir('expiry'));
    const token = await mintDevToken(key, {
      ...claims,
      expiresInSeconds: 60,
      now: new Date(Date.now() - 3600_000),
    });
    const verifier = createTokenVerifier({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      jwks: devJwks(key),
    });
    const error = await verifier.verify(`Bearer ${token}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).code).toBe('TOKEN_EXPIRED');
  });

  it('is not accepted by a server with another dev key', async () => {
    const mine = await loadOrCreateDevSigningKey(await freshDir('mine'));
    const theirs = await loadOrCreateDevSigningKey(await freshDir('theirs'));
    const verifier = createTokenVerifier({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      jwks: devJwks(theirs),
    });
    const error = await verifier
      .verify(`Bearer ${await mintDevToken(mine, claims)}`)
      .catch((e: unknown) => e);
    expect((error as UnauthorizedError).code).toBe('TOKEN_INVALID');
  });
});

describe('bearer tokens through the local gateway and the route middleware', () => {
  let gateway: HttpGateway;
  let token: string;

  beforeAll(async () => {
    const key = await loadOrCreateDevSigningKey(await freshDir('gateway'));
    token = await mintDevToken(key, claims);
    const verifier = createTokenVerifier({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      jwks: devJwks(key),
    });
    const whoami = defineRoute(
      {
        operationId: 'whoami',
        method: 'GET',
        path: '/whoami',
        summary: 'test route',
        tags: ['test'],
        auth: 'jwt',
        roles: ['clerk'],
        responses: [{ status: 200, description: 'the principal' }],
        access: {},
      },
      () => ({ authenticate: (header) => verifier.verify(header) }),
      async (req) => ({ status: 200, body: req.principal }),
    );
    const adminOnly = defineRoute(
      { ...whoami.spec, operationId: 'adminOnly', path: '/admin', roles: ['spc-admin'] },
      () => ({ authenticate: (header) => verifier.verify(header) }),
      async (req) => ({ status: 200, body: req.principal }),
    );
    gateway = await startHttpGateway({
      routes: [whoami, adminOnly].map((r) => ({
        method: r.spec.method,
        path: r.spec.path,
        handler: r.handler,
      })),
      log: () => {},
    });
  });

  afterAll(async () => {
    await gateway.close();
  });

  it('authenticates a dev token', async () => {
    const res = await send(gateway.url, 'GET', '/whoami', {
      headers: [['Authorization', `Bearer ${token}`]],
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ sub: 'clerk-k10', court: 'K10', roles: ['clerk'] });
  });

  it.each([
    ['no header', [], 'TOKEN_MISSING'],
    ['Basic credentials', [['Authorization', 'Basic dXNlcjpwYXNz']], 'TOKEN_MISSING'],
    ['a garbled token', [['Authorization', 'Bearer abc.def.ghi']], 'TOKEN_INVALID'],
  ] as [string, [string, string][], string][])(
    'answers %s with 401 problem+json',
    async (_name, headers, code) => {
      const res = await send(gateway.url, 'GET', '/whoami', { headers });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toMatchObject({ status: 401, code });
    },
  );

  it('does not echo the token in a 401', async () => {
    const tampered = `${token.slice(0, -2)}AA`;
    const res = await send(gateway.url, 'GET', '/whoami', {
      headers: [['Authorization', `Bearer ${tampered}`]],
    });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain(tampered.split('.')[1] as string);
  });

  it('answers a valid token without the required role with 403', async () => {
    const res = await send(gateway.url, 'GET', '/admin', { headers: [['Authorization', `Bearer ${token}`]] });
    expect(res.status).toBe(403);
  });
});
