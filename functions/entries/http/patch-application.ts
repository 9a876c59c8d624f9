import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { patchApplication as spec } from '../../http/specs/patch-application.ts';
import { BadRequestError, PreconditionRequiredError } from '../../lib/errors.ts';
import { etagOf, versionFromIfMatch } from '../../lib/etag.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { ApplicationRecord } from '../../ports/applications.ts';
import { applicationView } from '../../usecases/applications.ts';
import { patchApplication } from '../../usecases/patch-application.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (app: ApplicationRecord, req) => ({
    status: 200,
    body: applicationView(app, req.principal),
    headers: { etag: etagOf(app) },
  }),
  async (req, idempotency) => {
    const ifMatch = req.headers['if-match'];
    const version = versionFromIfMatch(ifMatch);
    if (ifMatch === undefined)
      throw new PreconditionRequiredError('IF_MATCH_REQUIRED', 'Send If-Match with the ETag you read.');
    if (version === undefined)
      throw new BadRequestError('INVALID_IF_MATCH', 'If-Match must be an ETag from this API, e.g. "v3".');
    return patchApplication(applicationDeps(), req.principal, req.params.id, version, req.body, idempotency);
  },
  idempotencyStore,
);
export const { handler } = route;
