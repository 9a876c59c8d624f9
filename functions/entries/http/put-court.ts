import type { CourtRegistry } from '../../domain/court-registry.ts';
import { courtStore, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { putCourt as spec } from '../../http/specs/put-court.ts';
import { BadRequestError } from '../../lib/errors.ts';
import { versionFromIfMatch } from '../../lib/etag.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import { putCourt } from '../../usecases/put-court.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (registry: CourtRegistry, req) => ({
    status: 200,
    body: registry.get(req.params.code),
    headers: { etag: `"v${registry.version}"` },
  }),
  async (req, idempotency) => {
    const ifMatch = req.headers['if-match'];
    const version = ifMatch === undefined ? undefined : versionFromIfMatch(ifMatch);
    if (ifMatch !== undefined && version === undefined)
      throw new BadRequestError('INVALID_IF_MATCH', 'If-Match must be an ETag from this API, e.g. "v3".');
    return putCourt({ courts: courtStore() }, req.principal, req.params.code, req.body, version, idempotency);
  },
  idempotencyStore,
);
export const { handler } = route;
