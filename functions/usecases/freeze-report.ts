import type { HighCourtReport } from '../domain/report.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError, ForbiddenError } from '../lib/errors.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { ReportAlreadyFrozenError } from '../ports/reports.ts';
import { campaignReport } from './get-campaign-report.ts';
import { type FrozenReport, hashOf, type ReportDeps } from './reports.ts';

/** Freezes a high court's report for submission to the SPC: stored with its hash, never changed. */
export async function freezeReport(
  deps: ReportDeps,
  principal: Principal,
  campaignId: string,
  highCourtCode: string,
  idempotency?: IdempotentWrite<FrozenReport>,
): Promise<FrozenReport> {
  if (principal.court !== highCourtCode || !principal.roles.some((r) => r === 'approver' || r === 'clerk')) {
    throw new ForbiddenError('ROLE_FORBIDDEN', 'A high court freezes its own report.');
  }
  const report = await campaignReport(deps, principal, campaignId);
  const snapshot = report.byHighCourt[0] as HighCourtReport;
  const frozen: FrozenReport = {
    campaignId,
    highCourtCode,
    report: snapshot,
    frozenAt: deps.now().toISOString(),
    frozenBy: principal.sub,
    hash: hashOf(snapshot),
  };
  try {
    await deps.reports.freeze(campaignId, highCourtCode, frozen, idempotency);
  } catch (error) {
    if (error instanceof ReportAlreadyFrozenError)
      throw new ConflictError('REPORT_ALREADY_FROZEN', 'This report was frozen already; it never changes.');
    throw error;
  }
  return frozen;
}
