import { applicationDeps } from '../../factories/dynamodb.ts';
import { documentStorage } from '../../factories/s3.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { logger } from '../../lib/logger.ts';
import { RedrivePayload, redrive as spec } from '../../tasks/specs.ts';
import { redriveLostUploads, redriveStuckWorkflows } from '../../usecases/redrive.ts';

/**
 * Scheduled (every 5 minutes when deployed; at start and periodically locally): one bounded,
 * resumable run of each re-drive sweep (functions/usecases/redrive.ts): workflows that are missing,
 * failed, aborted or timed out, and uploads whose S3 event was lost. Fails the invocation when an
 * item failed, so that the function's error alarm sees what keeps failing.
 */
export { spec };
export async function handler(payload: unknown = {}) {
  const parsed = RedrivePayload.safeParse(payload ?? {});
  const options = parsed.success ? parsed.data : {};
  const workflows = await redriveStuckWorkflows(
    { ...applicationDeps(), workflow: approvalWorkflow() },
    options,
  );
  const uploads = await redriveLostUploads({ ...applicationDeps(), storage: documentStorage() }, options);
  const busy = (r: { outcomes: Record<string, number> }) =>
    Object.keys(r.outcomes).some(
      (k) => !['running', 'alarmed-before', 'held', 'not-landed', 'busy'].includes(k),
    );
  if (busy(workflows) || busy(uploads)) logger.info('redrive', { workflows, uploads });
  if (workflows.outcomes.failed || uploads.outcomes.failed || workflows.outcomes['start-failed'])
    throw new Error('Some re-drives failed; they are retried by the next run.');
  return { workflows, uploads };
}
