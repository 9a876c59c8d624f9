import { idempotencyStore, reportDeps } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { putReportNarrative as spec } from '../../http/specs/put-report-narrative.ts';
import { BadRequestError } from '../../lib/errors.ts';
import { versionFromIfMatch } from '../../lib/etag.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { StoredNarrative } from '../../ports/reports.ts';
import { putNarrative } from '../../usecases/put-narrative.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  ({ actor: _actor, ...narrative }: StoredNarrative) => ({
    status: 200,
    body: narrative,
    headers: { etag: `"v${narrative.version}"` },
  }),
  async (req, idempotency) => {
    const ifMatch = req.headers['if-match'];
    const version = ifMatch === undefined ? undefined : versionFromIfMatch(ifMatch);
    if (ifMatch !== undefined && version === undefined)
      throw new BadRequestError('INVALID_IF_MATCH', 'If-Match must be an ETag from this API, e.g. "v3".');
    return putNarrative(
      reportDeps(),
      req.principal,
      req.params.campaignId,
      req.params.highCourtCode,
      req.body,
      version,
      idempotency,
    );
  },
  idempotencyStore,
);
export const { handler } = route;
