import { health } from '../../http/specs/health.ts';
import { defineRoute, noAuthenticator } from '../../lib/http.ts';

/** GET /health: a static answer; nothing configured, nothing touched. */
export const route = defineRoute(health, noAuthenticator, async () => ({
  status: 200,
  body: { status: 'ok', service: 'relief' },
}));
export const { handler } = route;
