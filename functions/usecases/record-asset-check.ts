import { shanghaiDate } from '../domain/campaigns.ts';
import { shanghaiDayOf } from '../domain/eligibility.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import type { AssetCheck } from '../domain/post-closure.ts';
import type { Principal } from '../lib/auth.ts';
import { UnprocessableError } from '../lib/errors.ts';
import type { ApplicationRecord } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk } from './applications.ts';
import type { AssetCheckInput } from './monitoring.ts';
import { applying, refusing } from './transition.ts';

/**
 * 财产查询: the executing court's clerk records an asset check of a relief-closed case; the schedule
 * moves on one interval from the check; `assets-found` / `evasion-found` set `resumptionDue` (三.4).
 * Refusals change nothing: 409 NOT_RELIEF_CLOSED / DUPLICATE_ASSET_CHECK, 422 CHECK_IN_FUTURE /
 * CHECK_BEFORE_CLOSURE / APPLICANT_NOTIFIED_BEFORE_CHECK / APPLICANT_NOTIFIED_IN_FUTURE.
 */
export async function recordAssetCheck(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: AssetCheckInput,
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  const checkedOn = shanghaiDayOf(input.checkedAt) as string;
  const notifiedOn = shanghaiDayOf(input.applicantNotifiedAt);
  if (input.applicantNotifiedAt !== undefined && (notifiedOn === undefined || notifiedOn < checkedOn)) {
    throw new UnprocessableError(
      'APPLICANT_NOTIFIED_BEFORE_CHECK',
      'The applicant cannot be told before the check.',
      {
        errors: [
          {
            code: 'APPLICANT_NOTIFIED_BEFORE_CHECK',
            path: 'applicantNotifiedAt',
            message: 'Before checkedAt.',
          },
        ],
      },
    );
  }
  const now = deps.now();
  const today = shanghaiDate(now);
  if (notifiedOn !== undefined && notifiedOn > today) {
    throw new UnprocessableError(
      'APPLICANT_NOTIFIED_IN_FUTURE',
      'The applicant cannot be told in the future.',
      {
        errors: [
          {
            code: 'APPLICANT_NOTIFIED_IN_FUTURE',
            path: 'applicantNotifiedAt',
            message: 'After today (Beijing time).',
          },
        ],
      },
    );
  }
  refusing(() => lifecycle.recordAssetCheck.guard(app, { checkedOn, method: input.method }, today));
  const check: AssetCheck = {
    checkedOn,
    checkedAt: input.checkedAt,
    method: input.method,
    result: input.result,
    detail: input.detail,
    ...(input.applicantNotifiedAt ? { applicantNotifiedAt: input.applicantNotifiedAt } : {}),
    recordedAt: now.toISOString(),
    recordedBy: principal.sub,
  };
  return deps.repo.update(
    id,
    ...applying(
      (current) => lifecycle.recordAssetCheck(current, { actor: principal, check, today }, now),
      () => ({ idempotency }),
    ),
  );
}
