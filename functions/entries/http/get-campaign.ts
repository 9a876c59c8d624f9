import { campaignStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getCampaign as spec } from '../../http/specs/get-campaign.ts';
import { campaignEtag } from '../../lib/etag.ts';
import { defineRoute } from '../../lib/http.ts';
import { campaignView } from '../../usecases/campaigns.ts';
import { getCampaign } from '../../usecases/get-campaign.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const campaign = await getCampaign({ campaigns: campaignStore() }, req.params.campaignId);
  return { status: 200, body: campaignView(campaign), headers: { etag: campaignEtag(campaign) } };
});
export const { handler } = route;
