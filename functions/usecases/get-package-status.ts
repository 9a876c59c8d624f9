import { isPaidOut } from '../domain/lifecycle.ts';
import { loadPackage, type PackageStatus } from './insurer-packages.ts';
import type { PayoutDeps } from './payouts.ts';

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
