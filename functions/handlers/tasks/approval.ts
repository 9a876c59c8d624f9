import { z } from 'zod';
import { logger } from '../../lib/logger.ts';
import {
  escalateOverdue,
  reconcile as reconcileUseCase,
  recordTaskToken as recordTaskTokenUseCase,
  recordWorkflowFault,
} from '../../usecases/approval.ts';
import { dispatchPackage as dispatchPackageUseCase } from '../../usecases/payouts.ts';
import { deps } from '../deps.ts';

/**
 * Task handlers of the approval state machine (statemachines/relief-approval.asl.json), invoked
 * through `lambda:invoke` with the Payload given in the ASL. Inputs are parsed with zod: a malformed
 * payload is a bug in the definition, and fails the task loudly.
 */
const Ref = { applicationId: z.string().min(1), submissionSeq: z.int().min(1) };

const TokenPayload = z.object({ ...Ref, level: z.int().min(0), taskToken: z.string().min(1) });
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
  return dispatchPackageUseCase(deps(), z.object({ ...Ref, taskToken: z.string().min(1) }).parse(payload));
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
