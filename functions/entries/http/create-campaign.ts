import { clock } from '../../factories/clock.ts';
import { campaignStore, idempotencyStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { createCampaign as spec } from '../../http/specs/create-campaign.ts';
import { campaignEtag } from '../../lib/etag.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { StoredCampaign } from '../../ports/campaigns.ts';
import { campaignView } from '../../usecases/campaigns.ts';
import { createCampaign } from '../../usecases/create-campaign.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (c: StoredCampaign) => ({
    status: 201,
    body: campaignView(c),
    headers: { etag: campaignEtag(c), location: `/campaigns/${c.id}` },
  }),
  (req, idempotency) =>
    createCampaign({ campaignStore: campaignStore(), now: clock.now }, req.principal, req.body, idempotency),
  idempotencyStore,
);
export const { handler } = route;
