import { applicationDeps } from '../../factories/dynamodb.ts';
import { insurerClient } from '../../factories/insurer.ts';
import { documentStorage } from '../../factories/s3.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { defineTask } from '../../lib/task.ts';
import { DispatchPayload, dispatchPackage as spec } from '../../tasks/specs.ts';
import { dispatchPackage } from '../../usecases/dispatch-package.ts';

/** The disbursement task: records the payout token and sends the signed package to the insurer. */
export { spec };
export const handler = defineTask(async (payload: unknown) => {
  return dispatchPackage(
    {
      ...applicationDeps(),
      workflow: approvalWorkflow(),
      storage: documentStorage(),
      insurer: insurerClient,
    },
    DispatchPayload.parse(payload),
  );
});
