import type { JWK } from 'jose';
import * as z from 'zod/mini';
import { createTokenVerifier } from '../lib/auth.ts';
import { once, readEnv, required } from '../lib/config.ts';
import type { Authenticator } from '../lib/http.ts';

/**
 * The court token verifier of `auth: 'jwt'` routes. Keys from a JWKS URL (deployments) or the JWKS
 * itself as JSON (the local runner): one of the two is required.
 */
const Jwks = z.pipe(
  z.string().check(z.minLength(1)),
  z.transform((text: string, ctx) => {
    try {
      const parsed = JSON.parse(text) as { keys?: unknown };
      if (Array.isArray(parsed.keys)) return parsed.keys as JWK[];
    } catch {
      // reported below
    }
    ctx.issues.push({ code: 'custom', message: 'is not a JWKS (a JSON object with keys)', input: text });
    return z.NEVER;
  }),
);

const Env = z
  .object({
    JWT_ISSUER: required(),
    JWT_AUDIENCE: required(),
    JWKS_URL: z.optional(z.url()),
    JWKS_JSON: z.optional(Jwks),
  })
  .check(
    z.refine((env) => env.JWKS_URL !== undefined || env.JWKS_JSON !== undefined, {
      message: 'JWKS_URL or JWKS_JSON must be set',
      path: ['JWKS_URL'],
    }),
  );

export const authenticator = /* @__PURE__ */ once((): Authenticator => {
  const env = readEnv(Env);
  const verifier = createTokenVerifier({
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    jwks: env.JWKS_URL ? { url: env.JWKS_URL } : { keys: env.JWKS_JSON as JWK[] },
  });
  return { authenticate: (header) => verifier.verify(header) };
});
