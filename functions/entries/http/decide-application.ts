import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { authenticator } from '../../factories/verifier.ts';
import { decideApplication as spec } from '../../http/specs/decide-application.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import { BusinessMetric, countEvent } from '../../lib/metrics.ts';
import { type DecisionResult, decideApplication } from '../../usecases/decide-application.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (result: DecisionResult) => ({ status: 200, body: result, headers: {} }),
  async (req, idempotency) => {
    const result = await decideApplication(
      { ...applicationDeps(), workflow: approvalWorkflow() },
      req.principal,
      req.params.id,
      { decision: req.body.decision, comment: req.body.comment },
      idempotency,
    );
    countEvent(BusinessMetric.Decisions, { name: 'outcome', value: req.body.decision });
    return result;
  },
  idempotencyStore,
);
export const { handler } = route;
