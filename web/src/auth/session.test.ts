import { describe, expect, it } from 'vitest';
import { sessionFromToken } from './session.ts';

const b64url = (v: unknown) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(v))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const jwt = (claims: Record<string, unknown>) => `${b64url({ alg: 'ES256' })}.${b64url(claims)}.sig`;

describe('the session', () => {
  it('reads sub, court and roles from the token (for display; the API verifies it)', () => {
    const s = sessionFromToken(
      jwt({ sub: '张三', court: 'BJ0108', roles: ['clerk', 'approver', 'root'], exp: 2_000_000_000 }),
      'local',
    );
    expect(s).toMatchObject({
      sub: '张三',
      court: 'BJ0108',
      roles: ['clerk', 'approver'],
      exp: 2_000_000_000,
    });
  });

  it('refuses a token without the claims the API needs', () => {
    expect(() => sessionFromToken(jwt({ sub: 'x', roles: [] }), 'oidc')).toThrow();
    expect(() => sessionFromToken('not-a-jwt', 'oidc')).toThrow();
  });
});
