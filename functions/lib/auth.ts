import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import * as z from 'zod';

/**
 * Bearer-token authentication for court users (法院用户). Runs in Lambda and in the local runner:
 * the token comes from the courts' OIDC identity provider (deployments) or from `POST /dev/tokens`
 * (local mode), and is verified against the issuer's JWKS.
 */

export const ROLES = ['clerk', 'approver', 'spc-admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The user id (`sub` claim). */
  sub: string;
  /** The user's court code (`court` claim). */
  court: string;
  /** Known roles only, deduplicated, never empty. */
  roles: Role[];
}

export type UnauthorizedCode = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED';

const MESSAGES: Record<UnauthorizedCode, string> = {
  TOKEN_MISSING: 'A bearer token is required.',
  TOKEN_INVALID: 'The bearer token is not valid.',
  TOKEN_EXPIRED: 'The bearer token has expired.',
};

/**
 * 401: no usable token. `message` is fixed per code and never contains the token or its claims;
 * `reason` is a short, token-free diagnostic for logs (e.g. `ERR_JWT_CLAIM_VALIDATION_FAILED aud`).
 */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
  readonly status = 401;
  readonly code: UnauthorizedCode;
  readonly reason: string | undefined;

  constructor(code: UnauthorizedCode, reason?: string) {
    super(MESSAGES[code]);
    this.code = code;
    this.reason = reason;
  }
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** A JWKS URL (fetched and cached by jose) or the keys themselves. */
  jwks: { url: string } | { keys: JWK[] };
  /** Allowed clock skew for exp/nbf/iat, default 5 seconds. */
  clockToleranceSeconds?: number;
  /** The clock, for tests; defaults to the system clock. */
  now?: () => Date;
}

export interface TokenVerifier {
  /** Resolves to the principal, or rejects with UnauthorizedError (or a plain Error if the JWKS is unreachable). */
  verify(authorizationHeader: string | undefined): Promise<Principal>;
}

export const ALLOWED_ALGORITHMS: readonly string[] = ['ES256', 'RS256'];

/** Tokens longer than this are refused before any crypto (IdP tokens are well under 4 KiB). */
const MAX_TOKEN_LENGTH = 16 * 1024;

const ClaimsSchema = z.object({
  sub: z.string().min(1).max(256),
  court: z.string().min(1).max(64).regex(/\S/, 'court must not be blank'),
  roles: z.array(z.string()),
});

const KNOWN_ROLES: ReadonlySet<string> = new Set(ROLES);

export function isRole(value: string): value is Role {
  return KNOWN_ROLES.has(value);
}

/**
 * Extracts the compact JWS from `Authorization: Bearer <token>`. Anything that is not a Bearer
 * credential is TOKEN_MISSING; a Bearer credential that is not a well-formed, canonically
 * base64url-encoded three-part JWS is TOKEN_INVALID (jose alone would accept a re-encoded
 * signature whose unused trailing bits differ, so the same signature would have several spellings).
 */
function extractToken(header: string | undefined): string {
  if (header === undefined) throw new UnauthorizedError('TOKEN_MISSING', 'no authorization header');
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer')
    throw new UnauthorizedError('TOKEN_MISSING', 'not a bearer credential');
  const token = space === -1 ? '' : trimmed.slice(space).trim();
  if (token === '') throw new UnauthorizedError('TOKEN_MISSING', 'empty bearer credential');
  if (token.length > MAX_TOKEN_LENGTH) throw new UnauthorizedError('TOKEN_INVALID', 'token too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw new UnauthorizedError('TOKEN_INVALID', 'not a compact JWS');
  for (const part of parts) {
    if (!/^[A-Za-z0-9_-]+$/.test(part) || Buffer.from(part, 'base64url').toString('base64url') !== part) {
      throw new UnauthorizedError('TOKEN_INVALID', 'not canonical base64url');
    }
  }
  return token;
}

function keyResolver(jwks: TokenVerifierOptions['jwks']): JWTVerifyGetKey {
  if ('url' in jwks) return createRemoteJWKSet(new URL(jwks.url));
  return createLocalJWKSet({ keys: jwks.keys });
}

/** Errors that say "the JWKS could not be obtained": a server-side fault, not the caller's. */
function isKeySourceFailure(error: unknown): boolean {
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError)
  );
}

function translate(error: unknown): Error {
  if (error instanceof UnauthorizedError) return error;
  if (error instanceof errors.JWTExpired) return new UnauthorizedError('TOKEN_EXPIRED', error.code);
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new UnauthorizedError('TOKEN_INVALID', `${error.code} ${error.claim}`);
  }
  // jose reports a malformed header/payload encoding as a TypeError from its base64url decoder.
  if (error instanceof TypeError && error.message.includes('not correctly encoded')) {
    return new UnauthorizedError('TOKEN_INVALID', 'bad encoding');
  }
  if (isKeySourceFailure(error)) {
    // Not the caller's fault (JWKS endpoint down or malformed): surface as a server error, no token inside.
    return new Error('The token signing keys could not be loaded.', { cause: error });
  }
  return new UnauthorizedError('TOKEN_INVALID', (error as InstanceType<typeof errors.JOSEError>).code);
}

/** How long, and how many, verified tokens a container remembers (see createTokenVerifier). */
const VERIFIED_TTL_MS = 5 * 60_000;
const VERIFIED_MAX = 1000;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const getKey = keyResolver(options.jwks);
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const nowMs = () => (options.now ? options.now() : new Date()).getTime();
  /**
   * Tokens verified by this container, by their exact text: a court user's token comes with every
   * request of a session, and its signature check is the request's largest CPU cost after the SDK.
   * Kept until the token's own expiry, at most VERIFIED_TTL_MS (a rotated key stops counting soon).
   */
  const verified = new Map<string, { principal: Principal; untilMs: number }>();
  return {
    async verify(authorizationHeader) {
      let payload: unknown;
      let token: string;
      try {
        token = extractToken(authorizationHeader);
        const hit = verified.get(token);
        if (hit && nowMs() < hit.untilMs) return { ...hit.principal, roles: [...hit.principal.roles] };
        if (hit) verified.delete(token);
        ({ payload } = await jwtVerify(token, getKey, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: [...ALLOWED_ALGORITHMS],
          clockTolerance,
          requiredClaims: ['exp', 'sub'],
          ...(options.now ? { currentDate: options.now() } : {}),
        }));
      } catch (error) {
        throw translate(error);
      }
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) {
        const fields = [...new Set(claims.error.issues.map((i) => String(i.path[0] ?? '')))].join(',');
        throw new UnauthorizedError('TOKEN_INVALID', `claims ${fields}`);
      }
      const roles = [...new Set(claims.data.roles.filter(isRole))];
      if (roles.length === 0) throw new UnauthorizedError('TOKEN_INVALID', 'no known role');
      const principal: Principal = { sub: claims.data.sub, court: claims.data.court, roles };
      const exp = (payload as { exp?: unknown }).exp;
      if (typeof exp === 'number') {
        if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
        verified.set(token, {
          principal: { ...principal, roles: [...roles] },
          untilMs: Math.min(exp * 1000, nowMs() + VERIFIED_TTL_MS),
        });
      }
      return principal;
    },
  };
}
