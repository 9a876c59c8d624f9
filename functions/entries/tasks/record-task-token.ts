import { applicationDeps } from '../../factories/dynamodb.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { logger } from '../../lib/logger.ts';
import { defineTask } from '../../lib/task.ts';
import { recordTaskToken as spec, TokenPayload } from '../../tasks/specs.ts';
import { recordTaskToken } from '../../usecases/record-task-token.ts';

/** Approval task (`lambda:invoke` with the ASL's Payload): records the waiting level's task token. */
export { spec };
export const handler = defineTask(async (payload: unknown) => {
  const input = TokenPayload.parse(payload);
  const result = await recordTaskToken({ ...applicationDeps(), workflow: approvalWorkflow() }, input);
  logger.info('task token recorded', {
    applicationId: input.applicationId,
    routeLevel: input.level,
    answered: result.answered,
  });
  return result;
});
