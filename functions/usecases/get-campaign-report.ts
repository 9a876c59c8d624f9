import { QUOTA_HOLDERS as QUOTA_HOLDER_CODES } from '../domain/provinces.ts';
import {
  approvalTimesOf,
  type CampaignReport,
  type HighCourtReport,
  highCourtReport as row,
} from '../domain/report.ts';
import type { Principal } from '../lib/auth.ts';
import { NotFoundError } from '../lib/errors.ts';
import { type ReportDeps, scopeOf } from './reports.ts';

/**
 * 工作总结报告: per high court, cases (distinct case numbers paid), persons (distinct applicants paid),
 * amount, by category, pending, rejected, declined, quota use, recoveries — read from counters kept in
 * the transactions that change status and money, so the cost does not grow with the campaign.
 */
export async function campaignReport(
  deps: ReportDeps,
  principal: Principal,
  campaignId: string,
): Promise<CampaignReport> {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`No campaign ${campaignId}.`);
  const scope = scopeOf(principal);
  const only = scope === 'all' ? undefined : scope;
  const [{ byHighCourt, total }, quotas, courts, courtRows, narratives] = await Promise.all([
    deps.reports.counters(campaignId),
    deps.quotas.list(campaignId),
    deps.courts.registry(),
    deps.reports.courtCounters(campaignId, only),
    deps.reports.narratives(campaignId, only),
  ]);
  const quotaBy = new Map(quotas.map((q) => [q.highCourtCode, q]));
  const codes = scope === 'all' ? QUOTA_HOLDER_CODES : [scope];
  const rows = codes.map((code) =>
    row(
      courts,
      code,
      byHighCourt.get(code) ?? {},
      quotaBy.get(code),
      courtRows.get(code),
      narratives.get(code),
    ),
  );
  const sum = (pick: (r: HighCourtReport) => number) => rows.reduce((acc, r) => acc + pick(r), 0);
  const approvalTimes = approvalTimesOf(
    courts,
    [...courtRows.values()].flatMap((byCourt) => [...byCourt.entries()]),
  );
  const figures =
    scope === 'all'
      ? {
          cases: total.cases ?? 0,
          persons: total.persons ?? 0,
          amountFen: total.amountFen ?? 0,
          paid: total.paid ?? 0,
          pending: total.pending ?? 0,
          rejected: total.rejected ?? 0,
          declined: total.declined ?? 0,
          recoveredFen: total.recoveredFen ?? 0,
        }
      : {
          cases: sum((r) => r.cases),
          persons: sum((r) => r.persons),
          amountFen: sum((r) => r.amountFen),
          paid: sum((r) => r.paid),
          pending: sum((r) => r.pending),
          rejected: sum((r) => r.rejected),
          declined: sum((r) => r.declined),
          recoveredFen: sum((r) => r.recoveredFen),
        };
  const totals = { ...figures, approvalTimes };
  // Reconciliation: the report's paid amount, the quota ledger's disbursed amounts and the insurer's
  // confirmed payouts are kept by different items; any difference is reported, never hidden.
  const quotaDisbursedFen = sum((r) => r.quota.disbursedFen);
  const insurerConfirmedFen =
    scope === 'all'
      ? (total.insurerConfirmedFen ?? 0)
      : sum((r) => byHighCourt.get(r.highCourtCode)?.insurerConfirmedFen ?? 0);
  const differences: { between: string; differenceFen: number }[] = [];
  if (totals.amountFen !== quotaDisbursedFen)
    differences.push({ between: 'report/quota-ledger', differenceFen: totals.amountFen - quotaDisbursedFen });
  if (totals.amountFen !== insurerConfirmedFen)
    differences.push({ between: 'report/insurer', differenceFen: totals.amountFen - insurerConfirmedFen });
  if (scope === 'all' && totals.amountFen !== sum((r) => r.amountFen)) {
    differences.push({
      between: 'total/high-courts',
      differenceFen: totals.amountFen - sum((r) => r.amountFen),
    });
  }
  return {
    campaignId,
    campaignName: campaign.name,
    reportDue: campaign.reportDue,
    generatedAt: deps.now().toISOString(),
    totals,
    byHighCourt: rows,
    reconciliation: {
      reportAmountFen: totals.amountFen,
      quotaDisbursedFen,
      insurerConfirmedFen,
      consistent: differences.length === 0,
      differences,
    },
  };
}
