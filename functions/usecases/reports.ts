import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/audit-chain.ts';
import {
  isQuotaHolderCode as isQuotaHolder,
  QUOTA_HOLDERS as QUOTA_HOLDER_CODES,
} from '../domain/provinces.ts';
import {
  approvalTimesOf,
  type CampaignReport,
  type HighCourtReport,
  highCourtReport as row,
} from '../domain/report.ts';
import type { WrittenReportInput } from '../domain/written-report.ts';
import type { Principal } from '../lib/auth.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../lib/errors.ts';
import { retryOnStaleRead, StaleReadError } from '../lib/retry.ts';
import type { CampaignStore } from '../ports/campaigns.ts';
import type { CourtDirectory } from '../ports/courts.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import type { QuotaLedger } from '../ports/quotas.ts';
import {
  NarrativeVersionConflict,
  ReportAlreadyFrozenError,
  type ReportStore,
  type StoredNarrative,
} from '../ports/reports.ts';

export type { CampaignReport, HighCourtReport } from '../domain/report.ts';

export interface ReportDeps {
  reports: ReportStore;
  quotas: QuotaLedger;
  campaigns: CampaignStore;
  courts: CourtDirectory;
  now: () => Date;
}

/** Which high courts a principal may report on: the SPC all of them, a high court its own. */
function scopeOf(principal: Principal): 'all' | string {
  if (principal.court === 'SPC') return 'all';
  if (isQuotaHolder(principal.court)) return principal.court;
  throw new ForbiddenError(
    'REPORT_NOT_VISIBLE',
    'Reports are read by the SPC and by each high court for its jurisdiction.',
  );
}

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

export interface FrozenReport extends Record<string, unknown> {
  campaignId: string;
  highCourtCode: string;
  report: HighCourtReport;
  frozenAt: string;
  frozenBy: string;
  hash: string;
}

const hashOf = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');

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
  deps: ReportDeps,
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
