import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import {
  base64url,
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerifier, UnauthorizedError } from '../../../functions/lib/auth.ts';

const ISSUER = 'https://idp.court.example/realms/courts';
const AUDIENCE = 'relief';
const NOW = new Date('2025-03-01T08:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

interface Signer {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
  alg: 'ES256' | 'RS256';
}

async function makeSigner(alg: 'ES256' | 'RS256'): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicJwk: { ...jwk, kid, alg, use: 'sig' }, kid, alg };
}

const goodClaims = { court: 'K10', roles: ['clerk'] };

async function sign(
  signer: Signer,
  claims: JWTPayload = goodClaims,
  opts: {
    iss?: string;
    aud?: string;
    sub?: string | null;
    iat?: number;
    exp?: number | null;
    nbf?: number;
  } = {},
): Promise<string> {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt(opts.iat ?? NOW_S - 60);
  if (opts.sub !== null) jwt = jwt.setSubject(opts.sub ?? 'user-001');
  if (opts.exp !== null) jwt = jwt.setExpirationTime(opts.exp ?? NOW_S + 3600);
  if (opts.nbf !== undefined) jwt = jwt.setNotBefore(opts.nbf);
  return jwt.sign(signer.privateKey);
}

async function rejection(verifier: TokenVerifier, header: string | undefined): Promise<UnauthorizedError> {
  const error = await verifier.verify(header).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  return error as UnauthorizedError;
}

let es: Signer;
let rs: Signer;
let stranger: Signer;
let verifier: TokenVerifier;

beforeAll(async () => {
  [es, rs, stranger] = await Promise.all([makeSigner('ES256'), makeSigner('RS256'), makeSigner('ES256')]);
  verifier = createTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [es.publicJwk, rs.publicJwk] },
    now: () => NOW,
  });
});

describe('createTokenVerifier: valid tokens', () => {
  it('returns the principal of a valid ES256 token', async () => {
    const token = await sign(es, { court: 'K10', roles: ['clerk', 'approver'] });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({
      sub: 'user-001',
      court: 'K10',
      roles: ['clerk', 'approver'],
    });
  });

  it('accepts RS256 tokens and a case-insensitive scheme', async () => {
    const token = await sign(rs, { court: '100', roles: ['spc-admin'] });
    await expect(verifier.verify(`bearer ${token}`)).resolves.toEqual({
      sub: 'user-001',
      court: '100',
      roles: ['spc-admin'],
    });
  });

  it('drops unknown role strings and duplicates but keeps the known ones', async () => {
    const token = await sign(es, { court: 'K10', roles: ['auditor', 'approver', 'approver'] });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ roles: ['approver'] });
  });

  it('tolerates small clock skew on exp (default 5 s)', async () => {
    const token = await sign(es, goodClaims, { exp: NOW_S - 3 });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ sub: 'user-001' });
  });

  it('fetches keys from a JWKS URL', async () => {
    let fetches = 0;
    const server: Server = createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [es.publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const remote = createTokenVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: { url: `http://127.0.0.1:${port}/jwks.json` },
        now: () => NOW,
      });
      await expect(remote.verify(`Bearer ${await sign(es)}`)).resolves.toMatchObject({ court: 'K10' });
      expect((await rejection(remote, `Bearer ${await sign(stranger)}`)).code).toBe('TOKEN_INVALID');
      expect(fetches).toBeGreaterThanOrEqual(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports an unreachable JWKS as a server error, not as a bad token', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const remote = createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: { url: `http://127.0.0.1:${port}/jwks.json` },
      now: () => NOW,
    });
    const error = await remote.verify(`Bearer ${await sign(es)}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnauthorizedError);
  });
});

describe('createTokenVerifier: missing credentials', () => {
  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['a bare Bearer scheme', 'Bearer'],
    ['Bearer with only spaces', 'Bearer   '],
    ['a token without scheme', 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln'],
  ])('rejects %s as TOKEN_MISSING', async (_name, header) => {
    const error = await rejection(verifier, header);
    expect(error.code).toBe('TOKEN_MISSING');
    expect(error.status).toBe(401);
    expect(error.name).toBe('UnauthorizedError');
  });
});

describe('createTokenVerifier: tokens verified before', () => {
  it('answers a token it verified before with the same principal (a copy), never past its expiry', async () => {
    let now = NOW;
    const cached = createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: { keys: [es.publicJwk] },
      now: () => now,
    });
    const token = await sign(es, goodClaims, { exp: NOW_S + 120 });
    const first = await cached.verify(`Bearer ${token}`);
    const again = await cached.verify(`Bearer ${token}`);
    expect(again).toEqual(first);
    again.roles.push('spc-admin');
    expect((await cached.verify(`Bearer ${token}`)).roles).toEqual(['clerk']);
    // Past its expiry (and the clock tolerance) the remembered verification counts no more.
    now = new Date((NOW_S + 120 + 60) * 1000);
    expect((await rejection(cached, `Bearer ${token}`)).code).toBe('TOKEN_EXPIRED');
  });

  it('remembers only the exact token text: a tampered copy is verified, and refused', async () => {
    const token = await sign(es);
    await verifier.verify(`Bearer ${token}`);
    const [h, p, sig] = token.split('.') as [string, string, string];
    const other = Buffer.from(
      JSON.stringify({ ...goodClaims, roles: ['spc-admin'], sub: 'user-001' }),
    ).toString('base64url');
    expect(p).not.toBe(other);
    expect((await rejection(verifier, `Bearer ${h}.${other}.${sig}`)).code).toBe('TOKEN_INVALID');
  });
});

describe('createTokenVerifier: invalid tokens', () => {
  it('rejects an expired token as TOKEN_EXPIRED', async () => {
    const token = await sign(es, goodClaims, { iat: NOW_S - 7200, exp: NOW_S - 60 });
    expect((await rejection(verifier, `Bearer ${token}`)).code).toBe('TOKEN_EXPIRED');
  });

  it('rejects a token that is not yet valid (nbf)', async () => {
    const token = await sign(es, goodClaims, { nbf: NOW_S + 600 });
    expect((await rejection(verifier, `Bearer ${token}`)).code).toBe('TOKEN_INVALID');
  });

  it('rejects a token without exp', async () => {
    const token = await sign(es, goodClaims, { exp: null });
    expect((await rejection(verifier, `Bearer ${token}`)).code).toBe('TOKEN_INVALID');
  });

  it('rejects a token from another issuer', async () => {
    const token = await sign(es, goodClaims, { iss: 'https://evil.example/' });
    expect((await rejection(verifier, `Bearer ${token}`)).code).toBe('TOKEN_INVALID');
  });

  it('rejects a token for another audience', async () => {
    const token = await sign(es, goodClaims, { aud: 'another-app' });
    expect((await rejection(verifier, `Bearer ${token}`)).code).toBe('TOKEN_INVALID');
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const token = await sign(es, { court: 'K10', roles: ['clerk'] });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['spc-admin'], court: '100' })).toString(
      'base64url',
    );
    expect((await rejection(verifier, `Bearer ${header}.${forged}.${signature}`)).code).toBe('TOKEN_INVALID');
  });

  it('rejects a token signed by a key outside the JWKS, even with a known kid', async () => {
    const unknownKid = await sign(stranger);
    expect((await rejection(verifier, `Bearer ${unknownKid}`)).code).toBe('TOKEN_INVALID');
    const borrowedKid = await sign({ ...stranger, kid: es.kid });
    expect((await rejection(verifier, `Bearer ${borrowedKid}`)).code).toBe('TOKEN_INVALID');
  });

  it('rejects an unsecured token (alg none)', async () => {
    const unsecured = new UnsecuredJWT({ ...goodClaims, sub: 'user-001' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(NOW_S + 3600)
      .encode();
    expect((await rejection(verifier, `Bearer ${unsecured}`)).code).toBe('TOKEN_INVALID');
    // The same with a non-empty "signature" so only the alg header is wrong.
    const [header, payload] = unsecured.split('.') as [string, string];
    expect((await rejection(verifier, `Bearer ${header}.${payload}.AAAA`)).code).toBe('TOKEN_INVALID');
  });

  it('rejects HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    const pem = await exportSPKI((await generateKeyPair('RS256', { extractable: true })).publicKey);
    const jwkSecret = new TextEncoder().encode(JSON.stringify(es.publicJwk));
    for (const secret of [new TextEncoder().encode(pem), jwkSecret]) {
      const token = await new SignJWT({ ...goodClaims })
        .setProtectedHeader({ alg: 'HS256', kid: es.kid })
        .setSubject('user-001')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime(NOW_S + 3600)
        .sign(secret);
      expect((await rejection(verifier, `Bearer ${token}`)).code).toBe('TOKEN_INVALID');
    }
  });

  it.each([
    ['court missing', { roles: ['clerk'] }],
    ['court empty', { court: '', roles: ['clerk'] }],
    ['court blank', { court: '   ', roles: ['clerk'] }],
    ['court not a string', { court: 10, roles: ['clerk'] }],
    ['roles missing', { court: 'K10' }],
    ['roles a string', { court: 'K10', roles: 'clerk' }],
    ['roles an object', { court: 'K10', roles: { clerk: true } }],
    ['roles with a non-string', { court: 'K10', roles: ['clerk', 7] }],
    ['roles empty', { court: 'K10', roles: [] }],
    ['only unknown roles', { court: 'K10', roles: ['admin', 'Clerk'] }],
  ])('rejects claims with %s as TOKEN_INVALID', async (_name, claims) => {
    const token = await sign(es, claims as JWTPayload);
    expect((await rejection(verifier, `Bearer ${token}`)).code).toBe('TOKEN_INVALID');
  });

  it('rejects a token without sub', async () => {
    const token = await sign(es, goodClaims, { sub: null });
    expect((await rejection(verifier, `Bearer ${token}`)).code).toBe('TOKEN_INVALID');
  });

  it.each([
    ['garbage', 'Bearer not-a-jwt'],
    ['two parts', 'Bearer abc.def'],
    ['a JWE-shaped token', 'Bearer a.b.c.d.e'],
    ['two tokens', 'Bearer a.b.c d.e.f'],
    ['a header that is not JSON', `Bearer ${base64url.encode('nope')}.${base64url.encode('{}')}.AAAA`],
  ])('rejects %s as TOKEN_INVALID', async (_name, header) => {
    expect((await rejection(verifier, header)).code).toBe('TOKEN_INVALID');
  });

  it('never echoes the token in the error message or reason', async () => {
    const token = await sign(es, goodClaims, { aud: 'another-app' });
    const error = await rejection(verifier, `Bearer ${token}`);
    const [, payload, signature] = token.split('.') as [string, string, string];
    for (const text of [error.message, error.reason ?? '', String(error.stack)]) {
      expect(text).not.toContain(payload);
      expect(text).not.toContain(signature);
      expect(text).not.toContain('user-001');
    }
  });
});

describe('createTokenVerifier: tampering property', () => {
  it('never accepts a valid token with any single byte changed', async () => {
    const token = await sign(es);
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ sub: 'user-001' });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: token.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (index, mask) => {
          const bytes = Buffer.from(token, 'latin1');
          bytes[index] = (bytes[index] as number) ^ mask;
          const error = await verifier.verify(`Bearer ${bytes.toString('latin1')}`).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(UnauthorizedError);
          expect((error as UnauthorizedError).code).toBe('TOKEN_INVALID');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never accepts another spelling of the last signature character', async () => {
    // base64url's last character carries unused bits; lenient decoders map several spellings to one signature.
    const token = await sign(es);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = token.at(-1) as string;
    for (const c of alphabet) {
      if (c === last) continue;
      expect((await rejection(verifier, `Bearer ${token.slice(0, -1)}${c}`)).code).toBe('TOKEN_INVALID');
    }
  });
});
