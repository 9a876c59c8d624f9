import { campaignStore, quotaLedger } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { listQuotas as spec } from '../../http/specs/list-quotas.ts';
import { defineRoute } from '../../lib/http.ts';
import { listQuotas } from '../../usecases/list-quotas.ts';

export const route = defineRoute(spec, authenticator, async (req) => ({
  status: 200,
  body: {
    items: await listQuotas(
      { quotas: quotaLedger(), campaigns: campaignStore() },
      req.principal,
      req.params.campaignId,
    ),
    nextCursor: null,
  },
}));
export const { handler } = route;
