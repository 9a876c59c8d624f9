import { clock } from '../../factories/clock.ts';
import { campaignStore, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { patchCampaign as spec } from '../../http/specs/patch-campaign.ts';
import { BadRequestError, PreconditionRequiredError } from '../../lib/errors.ts';
import { campaignEtag, versionFromIfMatch } from '../../lib/etag.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { StoredCampaign } from '../../ports/campaigns.ts';
import { campaignView } from '../../usecases/campaigns.ts';
import { patchCampaign } from '../../usecases/patch-campaign.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (c: StoredCampaign) => ({ status: 200, body: campaignView(c), headers: { etag: campaignEtag(c) } }),
  async (req, idempotency) => {
    const ifMatch = req.headers['if-match'];
    const version = versionFromIfMatch(ifMatch);
    if (ifMatch === undefined)
      throw new PreconditionRequiredError('IF_MATCH_REQUIRED', 'Send If-Match with the ETag you read.');
    if (version === undefined)
      throw new BadRequestError('INVALID_IF_MATCH', 'If-Match must be an ETag from this API, e.g. "v3".');
    return patchCampaign(
      { campaignStore: campaignStore(), now: clock.now },
      req.principal,
      req.params.campaignId,
      version,
      req.body,
      idempotency,
    );
  },
  idempotencyStore,
);
export const { handler } = route;
