import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/audit-chain.ts';
import { isQuotaHolderCode as isQuotaHolder } from '../domain/provinces.ts';
import type { HighCourtReport } from '../domain/report.ts';
import type { Principal } from '../lib/auth.ts';
import { ForbiddenError } from '../lib/errors.ts';
import type { CampaignStore } from '../ports/campaigns.ts';
import type { CourtDirectory } from '../ports/courts.ts';
import type { QuotaLedger } from '../ports/quotas.ts';
import type { ReportStore } from '../ports/reports.ts';

export type { CampaignReport, HighCourtReport } from '../domain/report.ts';

export interface ReportDeps {
  reports: ReportStore;
  quotas: QuotaLedger;
  campaigns: CampaignStore;
  courts: CourtDirectory;
  now: () => Date;
}

/** Which high courts a principal may report on: the SPC all of them, a high court its own. */
export function scopeOf(principal: Principal): 'all' | string {
  if (principal.court === 'SPC') return 'all';
  if (isQuotaHolder(principal.court)) return principal.court;
  throw new ForbiddenError(
    'REPORT_NOT_VISIBLE',
    'Reports are read by the SPC and by each high court for its jurisdiction.',
  );
}

export interface FrozenReport extends Record<string, unknown> {
  campaignId: string;
  highCourtCode: string;
  report: HighCourtReport;
  frozenAt: string;
  frozenBy: string;
  hash: string;
}

export const hashOf = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');
