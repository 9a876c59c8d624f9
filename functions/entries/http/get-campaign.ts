import { campaignStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getCampaign as spec } from '../../http/reference.ts';
import { defineRoute } from '../../lib/http.ts';
import { getCampaign } from '../../usecases/reference.ts';

export const route = defineRoute(spec, authenticator, async (req) => ({
  status: 200,
  body: await getCampaign({ campaigns: campaignStore() }, req.params.campaignId),
}));
export const { handler } = route;
