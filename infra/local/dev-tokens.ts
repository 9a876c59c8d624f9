import { randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import type { Role } from '../../functions/lib/auth.ts';

/**
 * Local mode only: the signing key behind `POST /dev/tokens`. Never used by a deployment, where
 * tokens come from the courts' OIDC identity provider.
 */

export const LOCAL_ISSUER = 'http://127.0.0.1:3000/dev';
export const LOCAL_AUDIENCE = 'relief-local';
export const DEV_SIGNING_KEY_FILE = 'dev-signing-key.json';

export interface DevSigningKey {
  privateKey: CryptoKey;
  /** The public half, with kid, alg ES256 and use sig. */
  publicJwk: JWK;
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
}

export interface DevTokenClaims {
  sub: string;
  court: string;
  roles: readonly Role[];
  issuer: string;
  audience: string;
  /** Default 8 hours. */
  expiresInSeconds?: number;
  /** Issue time, for tests; defaults to now. */
  now?: Date;
}

function isP256PrivateJwk(value: unknown): value is JWK & { x: string; y: string; d: string } {
  const jwk = value as Record<string, unknown> | null;
  return (
    typeof jwk === 'object' &&
    jwk !== null &&
    jwk.kty === 'EC' &&
    jwk.crv === 'P-256' &&
    typeof jwk.x === 'string' &&
    typeof jwk.y === 'string' &&
    typeof jwk.d === 'string'
  );
}

async function fromPrivateJwk(privateJwk: JWK & { x: string; y: string }): Promise<DevSigningKey> {
  const base = { kty: 'EC', crv: 'P-256', x: privateJwk.x, y: privateJwk.y };
  const kid = await calculateJwkThumbprint(base, 'sha256');
  const privateKey = (await importJWK({ ...privateJwk, alg: 'ES256' }, 'ES256')) as CryptoKey;
  return { privateKey, publicJwk: { ...base, kid, alg: 'ES256', use: 'sig' }, kid };
}

async function readKeyFile(file: string): Promise<DevSigningKey> {
  const mode = (await stat(file)).mode & 0o777;
  if (mode !== 0o600) await chmod(file, 0o600);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new Error(`${file} is not valid JSON; delete it to create a new development signing key.`);
  }
  if (!isP256PrivateJwk(parsed)) {
    throw new Error(
      `${file} is not an ES256 (P-256) private JWK; delete it to create a new development signing key.`,
    );
  }
  return fromPrivateJwk(parsed);
}

/**
 * Loads `<dir>/dev-signing-key.json`, or creates it (mode 0600) with a fresh ES256 key pair, so that
 * tokens minted before a restart stay valid after it. Creation is atomic: concurrent callers end up
 * with the same key.
 */
export async function loadOrCreateDevSigningKey(dir: string): Promise<DevSigningKey> {
  const file = path.join(dir, DEV_SIGNING_KEY_FILE);
  try {
    return await readKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true });
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, 'sha256');
  const content = `${JSON.stringify({ ...jwk, kid, alg: 'ES256', use: 'sig' }, null, 2)}\n`;
  const ignoreExisting = (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  };
  // Write a private temp file, then hard-link it into place: readers never see a half-written key,
  // and a process that loses the race (EEXIST) simply uses the winner's key.
  const temp = path.join(dir, `.${DEV_SIGNING_KEY_FILE}.${process.pid}.${randomUUID()}`);
  await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV') {
      // File systems without hard links: exclusive create is still safe against overwriting.
      await writeFile(file, content, { mode: 0o600, flag: 'wx' }).catch(ignoreExisting);
    } else {
      ignoreExisting(error);
    }
  } finally {
    await unlink(temp).catch(() => {});
  }
  return readKeyFile(file);
}

/** The JWKS the local server verifies against (JWKS_JSON). */
export function devJwks(key: DevSigningKey): { keys: JWK[] } {
  return { keys: [{ ...key.publicJwk, kid: key.kid, alg: 'ES256', use: 'sig' }] };
}

/** A compact ES256 JWT with `kid`, `sub`, `court`, `roles`, `iss`, `aud`, `iat`, `exp` and `jti`. */
export async function mintDevToken(key: DevSigningKey, claims: DevTokenClaims): Promise<string> {
  const issuedAt = Math.floor((claims.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ court: claims.court, roles: [...claims.roles] })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (claims.expiresInSeconds ?? 8 * 3600))
    .setJti(randomUUID())
    .sign(key.privateKey);
}
