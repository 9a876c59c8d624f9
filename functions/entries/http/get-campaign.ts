import { campaignStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getCampaign as spec } from '../../http/specs/get-campaign.ts';
import { defineRoute } from '../../lib/http.ts';
import { getCampaign } from '../../usecases/reference.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const { body, etag } = await getCampaign({ campaigns: campaignStore() }, req.params.campaignId);
  return { status: 200, body, headers: { etag } };
});
export const { handler } = route;
