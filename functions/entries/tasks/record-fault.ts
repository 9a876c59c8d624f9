import { applicationDeps } from '../../factories/dynamodb.ts';
import { defineTask } from '../../lib/task.ts';
import { FaultPayload, recordFault as spec } from '../../tasks/specs.ts';
import { recordWorkflowFault } from '../../usecases/record-workflow-fault.ts';

/** Approval task: makes a workflow fault visible on the application's trail before the execution fails. */
export { spec };
export const handler = defineTask(async (payload: unknown) => {
  return recordWorkflowFault(applicationDeps(), FaultPayload.parse(payload));
});
