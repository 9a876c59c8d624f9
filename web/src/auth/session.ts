/**
 * The signed-in user: a bearer token kept in sessionStorage (gone when the tab closes), and the claims
 * the API uses (sub, court, roles) decoded for display only — the API verifies the token.
 */
export type Role = 'clerk' | 'approver' | 'spc-admin';

export interface Session {
  token: string;
  sub: string;
  court: string;
  roles: Role[];
  /** Seconds since the epoch. */
  exp: number;
  source: 'local' | 'oidc';
}

const KEY = 'relief.console.session';
const listeners = new Set<() => void>();

function decodePayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) throw new Error('not a JWT');
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) =>
    c.charCodeAt(0),
  );
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

export function sessionFromToken(token: string, source: Session['source']): Session {
  const claims = decodePayload(token);
  const roles = Array.isArray(claims.roles)
    ? claims.roles.filter((r): r is Role => r === 'clerk' || r === 'approver' || r === 'spc-admin')
    : [];
  if (typeof claims.sub !== 'string' || typeof claims.court !== 'string' || typeof claims.exp !== 'number') {
    throw new Error('the token lacks sub, court or exp');
  }
  return { token, sub: claims.sub, court: claims.court, roles, exp: claims.exp, source };
}

let cached: Session | null | undefined;

export function currentSession(): Session | null {
  if (cached !== undefined) return cached;
  try {
    const raw = sessionStorage.getItem(KEY);
    cached = raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    cached = null;
  }
  if (cached && cached.exp * 1000 <= Date.now()) cached = null;
  return cached;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  cached = session;
  for (const l of [...listeners]) l();
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
  cached = null;
  for (const l of [...listeners]) l();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export const hasRole = (session: Session | null, role: Role) => session?.roles.includes(role) ?? false;
