import { applicationDeps } from '../../factories/dynamodb.ts';
import { objectInspector } from '../../factories/s3-inspect.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { logger } from '../../lib/logger.ts';
import { BusinessMetric, countEvent } from '../../lib/metrics.ts';
import { defineTask } from '../../lib/task.ts';
import { RedrivePayload, redrive as spec } from '../../tasks/specs.ts';
import { redriveLostUploads } from '../../usecases/redrive-lost-uploads.ts';
import { redriveStuckWorkflows } from '../../usecases/redrive-stuck-workflows.ts';

/**
 * Scheduled (every 5 minutes when deployed; at start and periodically locally): one bounded,
 * resumable run of each re-drive sweep (functions/usecases/redrive.ts): workflows that are missing,
 * failed, aborted or timed out, and uploads whose S3 event was lost. Fails the invocation when an
 * item failed, so that the function's error alarm sees what keeps failing.
 */
export { spec };
export const handler = defineTask(async (payload: unknown = {}) => {
  const parsed = RedrivePayload.safeParse(payload ?? {});
  const options = parsed.success ? parsed.data : {};
  const workflows = await redriveStuckWorkflows(
    { ...applicationDeps(), workflow: approvalWorkflow() },
    options,
  );
  const uploads = await redriveLostUploads({ ...applicationDeps(), storage: objectInspector() }, options);
  const quiet = ['running', 'alarmed-before', 'held', 'not-landed', 'busy'];
  const busy = (r: { outcomes: Record<string, number> }) =>
    Object.keys(r.outcomes).some((k) => !quiet.includes(k));
  for (const [kind, r] of [
    ['workflow', workflows],
    ['upload', uploads],
  ] as const) {
    for (const [outcome, n] of Object.entries(r.outcomes)) {
      if (!quiet.includes(outcome))
        countEvent(BusinessMetric.Redrives, { name: 'outcome', value: `${kind}.${outcome}` }, n);
    }
  }
  countEvent(
    BusinessMetric.RedriveFailures,
    undefined,
    (workflows.outcomes.failed ?? 0) +
      (workflows.outcomes['start-failed'] ?? 0) +
      (uploads.outcomes.failed ?? 0),
  );
  if (busy(workflows) || busy(uploads)) logger.info('redrive', { workflows, uploads });
  if (workflows.outcomes.failed || uploads.outcomes.failed || workflows.outcomes['start-failed'])
    throw new Error('Some re-drives failed; they are retried by the next run.');
  return { workflows, uploads };
});
