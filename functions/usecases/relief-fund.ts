import { isQuotaHolderCode } from '../domain/provinces.ts';
import type { Principal } from '../lib/auth.ts';
import { ForbiddenError, NotFoundError } from '../lib/errors.ts';
import type { CampaignStore } from '../ports/campaigns.ts';
import type { ReliefFundLedger } from '../ports/relief-fund-ledger.ts';
import type { ReportStore } from '../ports/reports.ts';
import { hasRole } from './applications.ts';

export interface FundDeps {
  repo: ReliefFundLedger;
  reports: ReportStore;
  campaigns: CampaignStore;
}

export interface FundCase {
  applicationId: string;
  courtCode: string;
  recoveredFen: number;
  entries: number;
}

export interface FundHighCourt {
  highCourtCode: string;
  recoveredFen: number;
  entries: number;
  /** The recoveries the report counters hold for this high court (moved with each recorded recovery). */
  reportedRecoveredFen: number;
  reconciled: boolean;
  cases: FundCase[];
}

export interface ReliefFund {
  campaignId: string;
  scope: 'all' | string;
  totals: { recoveredFen: number; entries: number; reportedRecoveredFen: number; reconciled: boolean };
  highCourts: FundHighCourt[];
}

/** The SPC's administrators see every high court; a high court's users their province; nobody else. */
function scopeOf(principal: Principal): 'all' | string {
  if (principal.court === 'SPC' && hasRole(principal, 'spc-admin')) return 'all';
  if (principal.court !== 'SPC' && isQuotaHolderCode(principal.court)) return principal.court;
  throw new ForbiddenError(
    'FUND_NOT_VISIBLE',
    'The relief fund is read by the SPC administrators and by each high court for its province.',
  );
}

/**
 * 全国法院涉民生案件救助款 (三.4): what enforcement recovered after resumption and credited to the
 * fund, per high court and per case, with totals — from the ledger entries written in the same
 * transaction as each recovery, reconciled per high court against the report counters (the
 * recoveries recorded on the applications) and, for the whole campaign, against the ledger's total.
 */
export async function reliefFund(
  deps: FundDeps,
  principal: Principal,
  campaignId: string,
): Promise<ReliefFund> {
  const scope = scopeOf(principal);
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`No campaign ${campaignId}.`);
  const [entries, counters, ledger] = await Promise.all([
    deps.repo.listFundEntries(campaignId),
    deps.reports.counters(campaignId),
    deps.repo.getFund(campaignId),
  ]);
  const byHigh = new Map<string, Map<string, FundCase>>();
  for (const e of entries) {
    if (scope !== 'all' && e.highCourtCode !== scope) continue;
    const cases = byHigh.get(e.highCourtCode) ?? new Map<string, FundCase>();
    byHigh.set(e.highCourtCode, cases);
    const c = cases.get(e.applicationId) ?? {
      applicationId: e.applicationId,
      courtCode: e.courtCode,
      recoveredFen: 0,
      entries: 0,
    };
    c.recoveredFen += e.amountFen;
    c.entries += 1;
    cases.set(e.applicationId, c);
  }
  // High courts with reported recoveries but no ledger entry must show too: that is a discrepancy.
  for (const [code, row] of counters.byHighCourt) {
    if ((row.recoveredFen ?? 0) > 0 && (scope === 'all' || code === scope) && !byHigh.has(code))
      byHigh.set(code, new Map());
  }
  const highCourts: FundHighCourt[] = [...byHigh.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([highCourtCode, cases]) => {
      const list = [...cases.values()].sort((a, b) => a.applicationId.localeCompare(b.applicationId));
      const recoveredFen = list.reduce((s, c) => s + c.recoveredFen, 0);
      const reportedRecoveredFen = counters.byHighCourt.get(highCourtCode)?.recoveredFen ?? 0;
      return {
        highCourtCode,
        recoveredFen,
        entries: list.reduce((s, c) => s + c.entries, 0),
        reportedRecoveredFen,
        reconciled: recoveredFen === reportedRecoveredFen,
        cases: list,
      };
    });
  const recoveredFen = highCourts.reduce((s, h) => s + h.recoveredFen, 0);
  const entryCount = highCourts.reduce((s, h) => s + h.entries, 0);
  const reportedRecoveredFen = highCourts.reduce((s, h) => s + h.reportedRecoveredFen, 0);
  const ledgerAgrees =
    scope !== 'all' || (ledger.recoveredFen === recoveredFen && ledger.entries === entryCount);
  return {
    campaignId,
    scope,
    totals: {
      recoveredFen,
      entries: entryCount,
      reportedRecoveredFen,
      reconciled: ledgerAgrees && highCourts.every((h) => h.reconciled),
    },
    highCourts,
  };
}
