/**
 * `relief token` — local mode only: mints a JWT through the local runner's POST /dev/tokens and prints
 * it alone on stdout (so `export RELIEF_TOKEN=$(relief token --court BJ0105 --roles clerk)` works).
 * A deployment has no such route; its tokens come from the courts' OIDC provider.
 */
import { getCourt } from '../functions/domain/courts.ts';
import { EXIT_OK, HttpError, ServerError, UsageError } from './errors.ts';
import type { ApiClient } from './http.ts';
import type { Io } from './io.ts';

export const ROLES = ['clerk', 'approver', 'spc-admin'] as const;

export interface TokenOptions {
  court: string;
  /** Comma-separated roles, e.g. "clerk,approver". */
  roles: string;
  sub?: string;
}

/** Checks the options locally; returns the POST /dev/tokens body. Throws UsageError. */
export function tokenRequest(opts: TokenOptions): { sub: string; court: string; roles: string[] } {
  const court = opts.court.trim().toUpperCase();
  if (!getCourt(court)) throw new UsageError(`--court: unknown court code ${JSON.stringify(opts.court)}`);
  const roles = [
    ...new Set(
      opts.roles
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  ];
  if (roles.length === 0) throw new UsageError('--roles: name at least one of clerk, approver, spc-admin');
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) {
    throw new UsageError(`--roles: unknown role(s) ${unknown.join(', ')} (expected ${ROLES.join(', ')})`);
  }
  if (roles.includes('spc-admin') && court !== 'SPC')
    throw new UsageError('--roles: spc-admin exists only at court SPC');
  const sub = opts.sub?.trim() || `cli-${court.toLowerCase()}-${roles.join('-')}`;
  return { sub, court, roles };
}

export async function mintToken(opts: TokenOptions, client: ApiClient, io: Io): Promise<number> {
  const body = tokenRequest(opts);
  let answer: unknown;
  try {
    answer = await client.json('POST', '/dev/tokens', { body, auth: false });
  } catch (err) {
    if (err instanceof HttpError && (err.status === 404 || err.status === 405)) {
      throw new ServerError(
        `not a local runner: ${client.baseUrl} has no POST /dev/tokens (a deployment's tokens come from the courts' OIDC provider)`,
      );
    }
    throw err;
  }
  const token = (answer as { token?: unknown } | null)?.token;
  if (typeof token !== 'string' || token === '')
    throw new ServerError('POST /dev/tokens: no token in the answer');
  io.stdout.write(`${token}\n`);
  return EXIT_OK;
}
