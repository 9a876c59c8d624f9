import { applicationDeps } from '../../factories/dynamodb.ts';
import { logger } from '../../lib/logger.ts';
import { BusinessMetric, countEvent } from '../../lib/metrics.ts';
import { defineTask } from '../../lib/task.ts';
import { OverdueSweepPayload, escalateOverdueChecks as spec } from '../../tasks/specs.ts';
import { escalateOverdueAssetChecks } from '../../usecases/escalate-overdue-asset-checks.ts';
import type { OverdueSweepResult } from '../../usecases/monitoring.ts';

/**
 * Scheduled (every hour when deployed; every minute and on demand locally): one bounded, resumable run
 * of the overdue sweep (usecases/escalate-overdue-asset-checks.ts): each post-closure asset check whose due date
 * passed is escalated once to the executing court and its high court (audit `asset-check.overdue`) and
 * counted as the operator metric AssetChecksOverdue (alarmed). Fails the invocation when an item
 * failed, so that the next run retries and the function's errors show.
 */
export { spec };
export const handler = defineTask(async (payload: unknown = {}): Promise<OverdueSweepResult> => {
  const parsed = OverdueSweepPayload.safeParse(payload ?? {});
  const result = await escalateOverdueAssetChecks(applicationDeps(), parsed.success ? parsed.data : {});
  countEvent(BusinessMetric.AssetChecksOverdue, undefined, result.escalated);
  if (result.escalated > 0 || result.outcomes.failed) logger.info('asset-checks.overdue', { ...result });
  if (result.outcomes.failed) throw new Error('Some overdue escalations failed; the next run retries them.');
  return result;
});
