import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { authenticator } from '../../factories/verifier.ts';
import { decideBatch as spec } from '../../http/specs/decide-batch.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import { BusinessMetric, countEvent } from '../../lib/metrics.ts';
import { type BatchResult, decideBatch } from '../../usecases/decision-batches.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (result: BatchResult) => ({ status: 200, body: result, headers: {} }),
  async (req, idempotency) => {
    const result = await decideBatch(
      { ...applicationDeps(), workflow: approvalWorkflow() },
      req.principal,
      req.body.items,
      idempotency,
      req.remainingMs ? { remainingMs: req.remainingMs } : {},
    );
    req.body.items.forEach((item, i) => {
      if (!result.results[i]?.code)
        countEvent(BusinessMetric.Decisions, { name: 'outcome', value: item.decision });
    });
    return result;
  },
  idempotencyStore,
);
export const { handler } = route;
