/**
 * The campaign report (工作总结报告) as data: what the report use case assembles from the counters
 * and the quota ledger, and what the CSV/XLSX export renders. Pure: no I/O.
 */
import type { CourtRegistry } from './court-registry.ts';
import { CATEGORIES } from './eligibility.ts';

export interface HighCourtReport {
  highCourtCode: string;
  name: string;
  cases: number;
  persons: number;
  amountFen: number;
  paid: number;
  byCategory: Record<string, { paid: number; amountFen: number }>;
  pending: number;
  approved: number;
  rejected: number;
  returned: number;
  declined: number;
  resumed: number;
  recoveredFen: number;
  quota: { allocatedFen: number; reservedFen: number; disbursedFen: number; remainingFen: number };
}

export interface ReportTotals {
  cases: number;
  persons: number;
  amountFen: number;
  paid: number;
  pending: number;
  rejected: number;
  declined: number;
  recoveredFen: number;
}

export interface CampaignReport {
  campaignId: string;
  campaignName: string;
  reportDue: string;
  generatedAt: string;
  totals: ReportTotals;
  byHighCourt: HighCourtReport[];
  reconciliation: {
    reportAmountFen: number;
    quotaDisbursedFen: number;
    insurerConfirmedFen: number;
    consistent: boolean;
    differences: { between: string; differenceFen: number }[];
  };
}

/** One high court's row from its counters (counter name → value) and its quota figures. */
export function highCourtReport(
  courts: CourtRegistry,
  code: string,
  c: Record<string, number>,
  quota?: { allocatedFen: number; reservedFen: number; disbursedFen: number },
): HighCourtReport {
  const n = (k: string) => c[k] ?? 0;
  const byCategory: Record<string, { paid: number; amountFen: number }> = {};
  for (const cat of CATEGORIES)
    byCategory[cat] = { paid: n(`cat:${cat}:paid`), amountFen: n(`cat:${cat}:amountFen`) };
  const q = quota ?? { allocatedFen: 0, reservedFen: 0, disbursedFen: 0 };
  return {
    highCourtCode: code,
    name: courts.get(code)?.name ?? code,
    cases: n('cases'),
    persons: n('persons'),
    amountFen: n('amountFen'),
    paid: n('paid'),
    byCategory,
    pending: n('pending'),
    approved: n('approved'),
    rejected: n('rejected'),
    returned: n('returned'),
    declined: n('declined'),
    resumed: n('resumed'),
    recoveredFen: n('recoveredFen'),
    quota: {
      allocatedFen: q.allocatedFen,
      reservedFen: q.reservedFen,
      disbursedFen: q.disbursedFen,
      remainingFen: q.allocatedFen - q.reservedFen - q.disbursedFen,
    },
  };
}
