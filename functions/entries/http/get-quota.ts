import { campaignStore, quotaLedger } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getQuota as spec } from '../../http/specs/get-quota.ts';
import { defineRoute } from '../../lib/http.ts';
import { getQuota } from '../../usecases/get-quota.ts';

export const route = defineRoute(spec, authenticator, async (req) => ({
  status: 200,
  body: await getQuota(
    { quotas: quotaLedger(), campaigns: campaignStore() },
    req.principal,
    req.params.campaignId,
    req.params.highCourtCode,
  ),
}));
export const { handler } = route;
