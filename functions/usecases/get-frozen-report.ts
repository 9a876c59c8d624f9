import type { HighCourtReport } from '../domain/report.ts';
import type { Principal } from '../lib/auth.ts';
import { NotFoundError } from '../lib/errors.ts';
import { campaignReport } from './get-campaign-report.ts';
import { hashOf, type ReportDeps, scopeOf } from './reports.ts';

/** The frozen copy, whether its hash still verifies, and how the live report differs from it. */
export async function frozenReport(
  deps: ReportDeps,
  principal: Principal,
  campaignId: string,
  highCourtCode: string,
) {
  const scope = scopeOf(principal);
  if (scope !== 'all' && scope !== highCourtCode) throw new NotFoundError();
  const frozen = await deps.reports.getFrozen(campaignId, highCourtCode);
  if (!frozen) throw new NotFoundError('This report has not been frozen.');
  const live = (
    await campaignReport(deps, { ...principal, court: scope === 'all' ? 'SPC' : principal.court }, campaignId)
  ).byHighCourt.find((r) => r.highCourtCode === highCourtCode) as HighCourtReport;
  const snapshot = frozen.report as HighCourtReport;
  const differences: { field: string; frozen: number; live: number }[] = [];
  for (const key of [
    'cases',
    'persons',
    'amountFen',
    'paid',
    'pending',
    'rejected',
    'declined',
    'resumed',
    'recoveredFen',
  ] as const) {
    if (snapshot[key] !== live[key]) differences.push({ field: key, frozen: snapshot[key], live: live[key] });
  }
  return { ...frozen, hashValid: hashOf(snapshot) === frozen.hash, differences };
}
