import { reconciliationStore } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getReconciliation as spec } from '../../http/specs/get-reconciliation.ts';
import { defineRoute } from '../../lib/http.ts';
import { getReconciliation } from '../../usecases/get-reconciliation.ts';

export const route = defineRoute(spec, authenticator, async (req) => ({
  status: 200,
  body: await getReconciliation(
    { reconciliations: reconciliationStore() },
    req.principal,
    req.params.campaignId,
    req.params.id,
  ),
}));
export const { handler } = route;
