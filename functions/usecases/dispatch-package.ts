import * as lifecycle from '../domain/lifecycle.ts';
import { logger } from '../lib/logger.ts';
import {
  buildPackage,
  EvidenceMismatchError,
  type PayoutDeps,
  packageIdOf,
  SupersededPayoutError,
  SYSTEM_ACTOR,
  superseding,
  verifyEvidence,
  withholdPackage,
} from './payouts.ts';

/**
 * 发放: the workflow's `.waitForTaskToken` task after the high court's approval. Verifies that every
 * approved document is still stored exactly as approved (else withholds the package: see
 * withholdPackage), records the token (so the webhook can answer it), then sends the signed package. A failure to reach the insurer
 * throws InsurerUnavailable, which the state machine retries with backoff and then escalates. The
 * package id is stable per submission, so a resend is recognisably the same package.
 */
export async function dispatchPackage(
  deps: PayoutDeps,
  input: { applicationId: string; submissionSeq: number; taskToken: string; executionName?: string },
): Promise<{ dispatched: boolean; packageId: string }> {
  // The application and its documents (which the evidence check needs) in one read.
  const { app, documents } = await deps.repo.getWithMaterials(input.applicationId);
  if (!app || app.submission?.seq !== input.submissionSeq)
    throw new SupersededPayoutError('The submission was superseded.');
  if (input.executionName !== undefined && app.submission.executionName !== input.executionName)
    throw new SupersededPayoutError('The execution is not the current one of its submission (re-driven).');
  const packageId = packageIdOf(app.id, input.submissionSeq);
  if (lifecycle.isPaidOut(app.status) || app.status === 'declined') {
    // Already settled (e.g. a resend after the insurer answered): answer at once.
    await deps.workflow.sendTaskSuccess(input.taskToken, {
      outcome: app.status === 'declined' ? 'declined' : 'paid',
    });
    return { dispatched: false, packageId };
  }
  superseding(() => lifecycle.dispatch.guard(app), `Status ${app.status} awaits no payout.`);
  const verification = await verifyEvidence(deps, app, documents);
  if (!verification.ok) {
    await withholdPackage(deps, app, packageId, verification.mismatches);
    throw new EvidenceMismatchError(
      `Package ${packageId} withheld: ${verification.mismatches.length} approved document(s) no longer match.`,
    );
  }
  const now = deps.now();
  const stored = await deps.repo.update(app.id, (current) =>
    superseding(() =>
      lifecycle.dispatch(
        current,
        {
          actor: SYSTEM_ACTOR(current.courtCode),
          packageId,
          taskToken: input.taskToken,
          documents: verification.documents,
        },
        now,
      ),
    ),
  );
  const pkg = await buildPackage(deps, stored, verification.documents);
  await deps.insurer().send(pkg);
  logger.info('package sent', { packageId, documents: pkg.documents.length });
  return { dispatched: true, packageId };
}
