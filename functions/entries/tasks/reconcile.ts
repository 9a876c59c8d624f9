import { applicationDeps } from '../../factories/dynamodb.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { logger } from '../../lib/logger.ts';
import { BusinessMetric, outboxGauges, recordGauge } from '../../lib/metrics.ts';
import { defineTask } from '../../lib/task.ts';
import { reconcile as spec } from '../../tasks/specs.ts';
import { reconcile } from '../../usecases/approval.ts';

/**
 * Scheduled (every minute when deployed; every few seconds locally): heals interrupted follow-ups, then
 * reports what still waits in the outbox (depth, oldest age: alarmed, docs/operations.md).
 */
export { spec };
export const handler = defineTask(async () => {
  const deps = { ...applicationDeps(), workflow: approvalWorkflow() };
  const results = await reconcile(deps);
  if (Object.keys(results).length > 0) logger.info('reconciled', { results });
  const { depth, oldestAgeSeconds } = outboxGauges(await deps.repo.listOutbox(100), deps.now());
  recordGauge(BusinessMetric.OutboxDepth, depth, 'Count');
  recordGauge(BusinessMetric.OutboxOldestAgeSeconds, oldestAgeSeconds, 'Seconds');
  return results;
});
