import type { ApplicationRecord, OutboxItem } from '../ports/applications.ts';
import type { PayoutDeps } from './payouts.ts';

/** Tells the waiting workflow how the payout ended; completes the outbox item. Safe to repeat. */
export async function deliverPayout(
  deps: Pick<PayoutDeps, 'repo' | 'workflow'>,
  item: Extract<OutboxItem, { kind: 'deliver-payout' }>,
  /** The application as the caller just wrote it (no need to read it again). */
  written?: ApplicationRecord,
) {
  const app = written ?? (await deps.repo.get(item.applicationId));
  const token = app?.payout?.taskToken;
  if (!app || !token || app.submission?.seq !== item.submissionSeq) {
    await deps.repo.completeOutbox(item);
    return 'obsolete' as const;
  }
  const result = await deps.workflow.sendTaskSuccess(token, { outcome: item.outcome });
  await deps.repo.completeOutbox(item);
  return result;
}
