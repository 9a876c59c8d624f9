import { applicationDeps, idempotencyStore } from '../../factories/dynamodb.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { authenticator } from '../../factories/verifier.ts';
import { submitApplication as spec } from '../../http/specs/submit-application.ts';
import { defineIdempotentRoute } from '../../lib/idempotency.ts';
import { type SubmitResult, submitApplication } from '../../usecases/submit-application.ts';

export const route = defineIdempotentRoute(
  spec,
  authenticator,
  (result: SubmitResult) => ({ status: 202, body: result, headers: {} }),
  (req, idempotency) =>
    submitApplication(
      { ...applicationDeps(), workflow: approvalWorkflow() },
      req.principal,
      req.params.id,
      req.body,
      idempotency,
    ),
  idempotencyStore,
);
export const { handler } = route;
