import type { Principal } from '../lib/auth.ts';
import { ConflictError } from '../lib/errors.ts';
import type { ApplicationRecord, ApplicationStatus } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk } from './applications.ts';
import { reportDelta } from './report-keys.ts';

/** Before any approval: a draft, or an application returned for more material (退回补充). */
const WITHDRAWABLE: readonly ApplicationStatus[] = ['draft', 'returned'];

function notWithdrawable(status: ApplicationStatus): ConflictError {
  return new ConflictError(
    'INVALID_STATUS',
    `An application in status "${status}" cannot be withdrawn (only draft or returned).`,
  );
}

/**
 * 撤回申请: the executing court's clerk withdraws a draft or returned application, e.g. one made in the
 * wrong campaign. The application stays, as `withdrawn`, with its trail; the system-wide duplicate
 * lock is released in the same transaction, so the same case and applicant may apply again; a
 * returned application stops being counted as returned in the reports.
 */
export async function withdrawApplication(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: { reason: string },
  idempotency?: IdempotentWrite<ApplicationRecord>,
): Promise<ApplicationRecord> {
  const app = await loadForClerk(deps, principal, id);
  if (!WITHDRAWABLE.includes(app.status)) throw notWithdrawable(app.status);
  const at = deps.now().toISOString();
  return deps.repo.update(
    id,
    (current) => {
      if (!WITHDRAWABLE.includes(current.status)) throw notWithdrawable(current.status);
      return {
        next: {
          ...current,
          status: 'withdrawn',
          version: current.version + 1,
          pendingAt: null,
          withdrawal: { reason: input.reason, withdrawnAt: at, withdrawnBy: principal.sub },
        },
        audit: {
          actor: principal,
          action: 'application.withdrawn',
          fromStatus: current.status,
          toStatus: 'withdrawn',
          detail: { reason: input.reason },
        },
      };
    },
    (current) => ({
      releaseDuplicateLock: true,
      ...(current.status === 'returned' ? { report: reportDelta(current, { returned: -1 }) } : {}),
      ...(idempotency ? { idempotency } : {}),
    }),
  );
}
