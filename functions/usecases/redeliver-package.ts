import { ConflictError } from '../lib/errors.ts';
import { dispatchPackage } from './dispatch-package.ts';
import { loadPackage } from './insurer-packages.ts';
import type { PayoutDeps } from './payouts.ts';

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
