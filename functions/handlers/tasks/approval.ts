import * as z from 'zod';
import { logger } from '../../lib/logger.ts';
import {
  escalateOverdue,
  reconcile as reconcileUseCase,
  recordTaskToken as recordTaskTokenUseCase,
  recordWorkflowFault,
} from '../../usecases/approval.ts';
import { dispatchPackage as dispatchPackageUseCase } from '../../usecases/payouts.ts';
import { redriveLostUploads, redriveStuckWorkflows } from '../../usecases/redrive.ts';
import { deps } from '../deps.ts';

/**
 * Task handlers of the approval state machine (statemachines/relief-approval.asl.json), invoked
 * through `lambda:invoke` with the Payload given in the ASL. Inputs are parsed with zod: a malformed
 * payload is a bug in the definition, and fails the task loudly.
 */
const Ref = { applicationId: z.string().min(1), submissionSeq: z.int().min(1) };
/** `$$.Execution.Name`: a task of an execution that is no longer the submission's current one ends (Superseded). */
const ExecutionName = z.string().min(1).max(80).optional();

const TokenPayload = z.object({
  ...Ref,
  level: z.int().min(0),
  taskToken: z.string().min(1),
  executionName: ExecutionName,
});
export async function recordTaskToken(payload: unknown) {
  const input = TokenPayload.parse(payload);
  const result = await recordTaskTokenUseCase(deps(), input);
  logger.info('task token recorded', {
    applicationId: input.applicationId,
    routeLevel: input.level,
    answered: result.answered,
  });
  return result;
}

/** The disbursement task: records the payout token and sends the signed package to the insurer. */
export async function dispatchPackage(payload: unknown) {
  return dispatchPackageUseCase(
    deps(),
    z.object({ ...Ref, taskToken: z.string().min(1), executionName: ExecutionName }).parse(payload),
  );
}

export async function escalate(payload: unknown) {
  return escalateOverdue(deps(), z.object({ ...Ref, reason: z.string() }).parse(payload));
}

export async function recordFault(payload: unknown) {
  return recordWorkflowFault(deps(), z.object({ ...Ref, error: z.unknown() }).parse(payload));
}

/** Scheduled (every minute when deployed; every few seconds locally): heals interrupted follow-ups. */
export async function reconcile() {
  const results = await reconcileUseCase(deps());
  if (Object.keys(results).length > 0) logger.info('reconciled', { results });
  return results;
}

/** A schedule's event carries none of these: the deployed defaults apply. The local runner's start-up pass sets them. */
const RedrivePayload = z.object({
  quietSeconds: z.int().min(0).max(86_400).optional(),
  limit: z.int().min(1).max(1000).optional(),
  fromStart: z.boolean().optional(),
  changedBefore: z.iso.datetime().optional(),
});

/**
 * Scheduled (every 5 minutes when deployed; at start and periodically locally): one bounded,
 * resumable run of each re-drive sweep (functions/usecases/redrive.ts): workflows that are missing,
 * failed, aborted or timed out, and uploads whose S3 event was lost. Fails the invocation when an
 * item failed, so that the function's error alarm sees what keeps failing.
 */
export async function redrive(payload: unknown = {}) {
  const parsed = RedrivePayload.safeParse(payload ?? {});
  const options = parsed.success ? parsed.data : {};
  const workflows = await redriveStuckWorkflows(deps(), options);
  const uploads = await redriveLostUploads(deps(), options);
  const busy = (r: { outcomes: Record<string, number> }) =>
    Object.keys(r.outcomes).some(
      (k) => !['running', 'alarmed-before', 'held', 'not-landed', 'busy'].includes(k),
    );
  if (busy(workflows) || busy(uploads)) logger.info('redrive', { workflows, uploads });
  if (workflows.outcomes.failed || uploads.outcomes.failed || workflows.outcomes['start-failed'])
    throw new Error('Some re-drives failed; they are retried by the next run.');
  return { workflows, uploads };
}
