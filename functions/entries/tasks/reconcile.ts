import { applicationDeps } from '../../factories/dynamodb.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { logger } from '../../lib/logger.ts';
import { defineTask } from '../../lib/task.ts';
import { reconcile as spec } from '../../tasks/specs.ts';
import { reconcile } from '../../usecases/approval.ts';

/** Scheduled (every minute when deployed; every few seconds locally): heals interrupted follow-ups. */
export { spec };
export const handler = defineTask(async () => {
  const results = await reconcile({ ...applicationDeps(), workflow: approvalWorkflow() });
  if (Object.keys(results).length > 0) logger.info('reconciled', { results });
  return results;
});
