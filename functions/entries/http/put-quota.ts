import { campaignStore, idempotencyStore, quotaLedger } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { putQuota as spec } from '../../http/specs/put-quota.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import type { QuotaView } from '../../usecases/quotas.ts';
import { setQuota } from '../../usecases/set-quota.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (quota: QuotaView) => ({ status: 200, body: quota, headers: {} }),
  (req, idempotency) =>
    setQuota(
      { quotas: quotaLedger(), campaigns: campaignStore() },
      req.principal,
      req.params.campaignId,
      req.params.highCourtCode,
      req.body.allocatedFen,
      idempotency,
    ),
  idempotencyStore,
);
export const { handler } = route;
