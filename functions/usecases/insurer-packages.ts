import { NotFoundError } from '../lib/errors.ts';
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

export async function loadPackage(deps: Pick<PayoutDeps, 'repo'>, packageId: string) {
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
