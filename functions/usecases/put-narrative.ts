import { isQuotaHolderCode as isQuotaHolder } from '../domain/provinces.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../lib/errors.ts';
import { retryOnStaleRead, StaleReadError } from '../lib/retry.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import {
  NarrativeVersionConflict,
  ReportAlreadyFrozenError,
  type StoredNarrative,
} from '../ports/reports.ts';
import type { ReportDeps } from './reports.ts';

/** Who may write a high court's narrative: that high court's approvers, or the SPC's administrators. */
function mayWriteNarrative(principal: Principal, highCourtCode: string): boolean {
  if (principal.court === 'SPC') return principal.roles.includes('spc-admin');
  return principal.court === highCourtCode && principal.roles.includes('approver');
}

/**
 * PUT …/reports/narratives/{highCourtCode}: the narrative of effects (取得的效果, notice 三.5) of a
 * high court's written report. Each version is kept as its own record (who, when, what); with
 * `expectedVersion` (If-Match) only over that version. Once the report is frozen the narrative never
 * changes (409 REPORT_ALREADY_FROZEN): the frozen copy's hash covers it.
 */
export async function putNarrative(
  deps: Pick<ReportDeps, 'campaigns' | 'now' | 'reports'>,
  principal: Principal,
  campaignId: string,
  highCourtCode: string,
  input: { effects: string },
  expectedVersion?: number,
  idempotency?: IdempotentWrite<StoredNarrative>,
): Promise<StoredNarrative> {
  if (!mayWriteNarrative(principal, highCourtCode))
    throw new ForbiddenError(
      'ROLE_FORBIDDEN',
      'A high court’s narrative is written by its approvers or by the SPC’s administrators.',
    );
  if (!isQuotaHolder(highCourtCode)) throw new NotFoundError(`No high court ${highCourtCode}.`);
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`No campaign ${campaignId}.`);
  return retryOnStaleRead('the narrative was written', async () => {
    const current = (await deps.reports.narratives(campaignId, highCourtCode)).get(highCourtCode);
    const version = current?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== version)
      throw new ConflictError('VERSION_CONFLICT', `The narrative is at version ${version}; read it again.`);
    const next: StoredNarrative = {
      campaignId,
      highCourtCode,
      effects: input.effects,
      version: version + 1,
      updatedAt: deps.now().toISOString(),
      updatedBy: principal.sub,
      actor: { sub: principal.sub, court: principal.court, roles: [...principal.roles] },
    };
    try {
      await deps.reports.putNarrative(next, idempotency);
    } catch (error) {
      if (error instanceof ReportAlreadyFrozenError)
        throw new ConflictError(
          'REPORT_ALREADY_FROZEN',
          'This report was frozen already; its narrative never changes.',
        );
      if (error instanceof NarrativeVersionConflict) {
        if (expectedVersion !== undefined)
          throw new ConflictError(
            'VERSION_CONFLICT',
            'The narrative changed since you read it; read it again.',
          );
        throw new StaleReadError('narrative');
      }
      throw error;
    }
    return next;
  });
}
