import { campaignStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { listCampaigns as spec } from '../../http/specs/list-campaigns.ts';
import { defineRoute } from '../../lib/http.ts';
import { listCampaigns } from '../../usecases/list-campaigns.ts';

export const route = defineRoute(spec, authenticator, async () => ({
  status: 200,
  body: await listCampaigns({ campaigns: campaignStore() }),
}));
export const { handler } = route;
