import { isPaidOut } from '../domain/lifecycle.ts';
import { ConflictError, NotFoundError } from '../lib/errors.ts';
import { dispatchPackage } from './dispatch-package.ts';
import { type PayoutDeps, packageIdOf, parsePackageId } from './payouts.ts';

/** What the insurer may read of a package it was sent: never the applicant's data (it has the package). */
export interface PackageStatus {
  packageId: string;
  approved: boolean;
  dispatched: boolean;
  paid: boolean;
  declined: boolean;
  amountFen: number;
  transactionRef: string | null;
  dispatchedAt: string | null;
  paidAt: string | null;
}

async function loadPackage(deps: Pick<PayoutDeps, 'repo'>, packageId: string) {
  const ids = parsePackageId(packageId);
  const app = ids ? await deps.repo.get(ids.applicationId) : undefined;
  // Only a package that exists: the current submission's, sent (or approved to be sent) to the insurer.
  if (
    !ids ||
    !app ||
    app.submission?.seq !== ids.submissionSeq ||
    (!app.payout && app.status !== 'awaiting_payout')
  ) {
    throw new NotFoundError('Unknown package.');
  }
  if (packageIdOf(app.id, ids.submissionSeq) !== packageId) throw new NotFoundError('Unknown package.');
  return app;
}

/** `GET /insurer/packages/{packageId}` (signed by the insurer): where the package stands. */
export async function getPackageStatus(
  deps: Pick<PayoutDeps, 'repo'>,
  packageId: string,
): Promise<PackageStatus> {
  const app = await loadPackage(deps, packageId);
  return {
    packageId,
    approved: true,
    dispatched: Boolean(app.payout?.dispatchedAt),
    paid: isPaidOut(app.status),
    declined: app.status === 'declined',
    amountFen: app.reliefAmountFen,
    transactionRef: app.payout?.transactionRef ?? null,
    dispatchedAt: app.payout?.dispatchedAt ?? null,
    paidAt: app.payout?.paidAt ?? null,
  };
}

/**
 * `POST /insurer/packages/{packageId}/redelivery`: sends the same package again (same packageId, fresh
 * presigned URLs, the approved evidence checked again), audited as another dispatch attempt.
 * Idempotent by nature: the package is the same, the insurer de-duplicates by packageId. Only while
 * the payout is awaited (409 PACKAGE_NOT_AWAITING_PAYOUT otherwise).
 */
export async function redeliverPackage(deps: PayoutDeps, packageId: string) {
  const app = await loadPackage(deps, packageId);
  const token = app.payout?.taskToken;
  if (app.status !== 'awaiting_payout' || !token) {
    throw new ConflictError(
      'PACKAGE_NOT_AWAITING_PAYOUT',
      'The package is not awaiting payout (already paid or declined, or not yet dispatched).',
    );
  }
  const result = await dispatchPackage(deps, {
    applicationId: app.id,
    submissionSeq: app.submission?.seq as number,
    taskToken: token,
  });
  return { packageId, redelivered: result.dispatched };
}
