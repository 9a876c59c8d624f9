import { isQuotaHolderCode as isQuotaHolder } from '../domain/provinces.ts';
import type { WrittenReportInput } from '../domain/written-report.ts';
import type { Principal } from '../lib/auth.ts';
import { ForbiddenError, NotFoundError } from '../lib/errors.ts';
import { campaignReport } from './get-campaign-report.ts';
import { type ReportDeps, scopeOf } from './reports.ts';

/**
 * GET …/reports/summary?highCourtCode=: what the written report (书面报告) is built from — the report as
 * the caller reads it, the campaign's dates and when that high court's report was frozen. One high
 * court's: that high court or the SPC (another high court: 404); without one: the national report,
 * the SPC's only.
 */
export async function reportSummary(
  deps: ReportDeps,
  principal: Principal,
  campaignId: string,
  highCourtCode?: string,
): Promise<WrittenReportInput> {
  const scope = scopeOf(principal);
  if (highCourtCode === undefined && scope !== 'all')
    throw new ForbiddenError(
      'REPORT_NOT_VISIBLE',
      'The national written report is the SPC’s; a high court asks for its own with highCourtCode.',
    );
  if (
    highCourtCode !== undefined &&
    ((scope !== 'all' && scope !== highCourtCode) || !isQuotaHolder(highCourtCode))
  )
    throw new NotFoundError();
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`No campaign ${campaignId}.`);
  const [report, frozen] = await Promise.all([
    campaignReport(deps, principal, campaignId),
    highCourtCode === undefined ? undefined : deps.reports.getFrozen(campaignId, highCourtCode),
  ]);
  return {
    campaign,
    report,
    ...(highCourtCode === undefined ? {} : { highCourtCode }),
    frozenAt: typeof frozen?.frozenAt === 'string' ? frozen.frozenAt : null,
  };
}
