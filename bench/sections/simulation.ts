import { approvalRoute, QUOTA_HOLDER_CODES } from '../../functions/domain/courts.ts';
import { transientRetries } from '../lib/api.ts';
import type { BenchContext } from '../lib/context.ts';
import type { CaseSpec } from '../lib/fixtures.ts';
import { executingCourtsByHolder, reliefAmountFor } from '../lib/fixtures.ts';
import {
  anomalies,
  createApplication,
  decide,
  documentsSettled,
  executionArn,
  nextCase,
  submitWhenReady,
  uploadAll,
} from '../lib/flow.ts';
import { percentile, round, sleep } from '../lib/stats.ts';

export interface SimulationResult {
  target: number;
  launched: number;
  intakeCompleted: number;
  paid: number;
  failed: number;
  failures: string[];
  concurrency: number;
  budgetSeconds: number | null;
  stoppedByBudget: boolean;
  wallSeconds: number;
  intakeSeconds: number;
  throughputPerSec: number;
  intakeLatencyMs: { p50: number; p99: number };
  payoutLagMs: { p50: number; p99: number };
  /** Set when fewer than `target` cases ran: the time `target` would take at the measured throughput. */
  extrapolatedSecondsForTarget: number | null;
  invariants: {
    holdersOverspent: string[];
    reservedLeftFen: number;
    /** Relief of the cases approved but not paid when the box ended (still reserved, as it must be). */
    unpaidAtEndFen: number;
    /** reserved + disbursed grew by exactly what was approved. */
    reservedMatches: boolean;
    disbursedDeltaFen: number;
    paidReliefFen: number;
    insurerPaidFen: number;
    totalsAgree: boolean;
    reportTotalFen: number | null;
    quotaDisbursedTotalFen: number;
    reportAgrees: boolean | null;
    holds: boolean;
  };
  anomalies: typeof anomalies & { s3PutRetries: number };
  diagnostics: {
    packagesReceived: number;
    duplicatePackages: number;
    webhooksRetried: number;
    webhookStatuses: Record<string, number>;
    workflowRetries: Record<string, number>;
    workflowFailures: Record<string, number>;
    unpaidStatuses: Record<string, number>;
  };
}

interface QuotaView {
  highCourtCode: string;
  allocatedFen: number;
  reservedFen: number;
  disbursedFen: number;
  remainingFen: number;
}

async function quotas(ctx: BenchContext): Promise<Map<string, QuotaView>> {
  const res = await ctx.api.expect(200, 'GET', '/campaigns/demo/quotas', { token: await ctx.api.spc() });
  return new Map((res.body.items as QuotaView[]).map((q) => [q.highCourtCode, q]));
}

/**
 * M applications across all 32 quota holders, from intake to payout, through the local stack:
 * `concurrency` cases in flight, each created, given its six materials, submitted and approved
 * level by level by the approvers of its route; the insurer simulator pays each in the background.
 * Stops launching new cases once `budgetMs` has passed (the rest is extrapolated, and labelled so).
 */
export async function simulation(
  ctx: BenchContext,
  opts: { target: number; concurrency: number; budgetMs: number | null; drainDeadline: number },
): Promise<SimulationResult> {
  const byHolder = executingCourtsByHolder();
  const holders = [...QUOTA_HOLDER_CODES];
  const plan: CaseSpec[] = [];
  for (let i = 0; i < opts.target; i++) {
    const holder = holders[i % holders.length] as string;
    const courts = byHolder.get(holder) ?? [];
    const court = courts[Math.floor(i / holders.length) % courts.length];
    if (!court) throw new Error(`no executing court under ${holder}`);
    plan.push(nextCase(court, holder, reliefAmountFor(i)));
  }
  // Quotas that fit exactly what is planned, on top of what earlier sections committed.
  const spc = await ctx.api.spc();
  await ctx.stack.insurer?.settled();
  const demand = new Map<string, number>();
  for (const c of plan) demand.set(c.holder, (demand.get(c.holder) ?? 0) + c.reliefAmountFen);
  const initial = await quotas(ctx);
  for (const holder of holders) {
    const q = initial.get(holder);
    if (!q) throw new Error(`no demo quota for ${holder}`);
    const allocatedFen = q.reservedFen + q.disbursedFen + (demand.get(holder) ?? 0);
    await ctx.api.expect(200, 'PUT', `/campaigns/demo/quotas/${holder}`, {
      token: spc,
      body: { allocatedFen },
    });
  }
  const before = await quotas(ctx);
  // Warm every approver's and clerk's token first (the driver's cost, not the system's).
  await Promise.all(
    plan
      .slice(0, holders.length * 8)
      .flatMap((c) => [
        ctx.api.clerk(c.court.code),
        ...approvalRoute(c.court.code).map((a) => ctx.api.approver(a)),
      ]),
  );

  const approved = new Map<string, { amount: number; at: number }>();
  const intakeMs: number[] = [];
  const failures: string[] = [];
  let failed = 0;
  let next = 0;
  let stoppedByBudget = false;
  const s3RetriesBefore = transientRetries.s3Put;
  const t0 = performance.now();
  const t0Wall = Date.now();
  const worker = async () => {
    for (;;) {
      if (next >= plan.length) return;
      if (opts.budgetMs !== null && performance.now() - t0 > opts.budgetMs) {
        stoppedByBudget = true;
        return;
      }
      const spec = plan[next++] as CaseSpec;
      const started = performance.now();
      try {
        const id = await createApplication(ctx.api, spec);
        await uploadAll(ctx.api, id, spec.court.code);
        await documentsSettled((x) => ctx.deps().repo.listDocuments(x), id);
        await submitWhenReady(ctx.api, id, spec.court.code);
        for (const court of approvalRoute(spec.court.code)) {
          const res = await decide(ctx.api, id, court);
          if (res.status !== 200) throw new Error(`decision at ${court}: ${res.status} ${res.body?.code}`);
        }
        intakeMs.push(performance.now() - started);
        approved.set(`PKG-${id}-1`, { amount: spec.reliefAmountFen, at: Date.now() });
      } catch (error) {
        failed++;
        if (failures.length < 10) failures.push((error as Error).message.slice(0, 300));
      }
    }
  };
  let progress = 0;
  const ticker = setInterval(() => {
    const done = intakeMs.length;
    if (done - progress >= Math.max(50, Math.floor(opts.target / 10))) {
      progress = done;
      ctx.log(
        `  simulation: ${done} approved, ${failed} failed, ${round((performance.now() - t0) / 1000, 1)} s`,
      );
    }
  }, 1000);
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    clearInterval(ticker);
  }
  const intakeSeconds = (performance.now() - t0) / 1000;

  // Payouts: wait until the insurer has delivered a payout.succeeded for every approved case, or the box ends.
  // Payout times are the insurer's: the start of the webhook attempt that was answered 2xx (wall clock).
  const paidAt = new Map<string, number>();
  let insurerPaidFen = 0;
  for (;;) {
    insurerPaidFen = 0;
    for (const w of ctx.stack.insurer?.webhooks() ?? []) {
      if (w.type !== 'payout.succeeded' || !w.delivered || !approved.has(w.packageId)) continue;
      const ok = w.attempts.find((a) => a.status !== undefined && a.status >= 200 && a.status < 300);
      if (!paidAt.has(w.packageId)) paidAt.set(w.packageId, ok ? Date.parse(ok.at) : Date.now());
      insurerPaidFen += (w.body as { amountFen: number }).amountFen;
    }
    if (paidAt.size >= approved.size || performance.now() > opts.drainDeadline) break;
    await sleep(100);
  }
  const wallSeconds = (Math.max(...paidAt.values(), t0Wall + 1) - t0Wall) / 1000;

  // Where the time between final approval and payout went (the insurer simulator's and the workflow's records).
  const diagnostics = {
    packagesReceived: 0,
    duplicatePackages: 0,
    webhooksRetried: 0,
    webhookStatuses: {} as Record<string, number>,
    workflowRetries: {} as Record<string, number>,
    workflowFailures: {} as Record<string, number>,
    unpaidStatuses: {} as Record<string, number>,
  };
  for (const r of ctx.stack.insurer?.received() ?? []) {
    if (!approved.has(r.packageId)) continue;
    if (r.duplicate) diagnostics.duplicatePackages++;
    else diagnostics.packagesReceived++;
  }
  for (const w of ctx.stack.insurer?.webhooks() ?? []) {
    if (!approved.has(w.packageId)) continue;
    if (w.attempts.length > 1) diagnostics.webhooksRetried++;
    for (const a of w.attempts) {
      const k = a.status !== undefined ? String(a.status) : (a.error ?? 'error').slice(0, 40);
      diagnostics.webhookStatuses[k] = (diagnostics.webhookStatuses[k] ?? 0) + 1;
    }
  }
  for (const pkg of approved.keys()) {
    const id = pkg.slice(4, -2);
    let history: { type: string; state?: { name: string }; Error?: string }[] = [];
    try {
      history = ctx.stack.stepFunctions.getExecutionHistory(executionArn(id));
    } catch {
      continue;
    }
    for (const e of history) {
      if (e.type === 'StateRetried') {
        const k = e.state?.name ?? '?';
        diagnostics.workflowRetries[k] = (diagnostics.workflowRetries[k] ?? 0) + 1;
      }
      if (e.type === 'StateFailed') {
        const k = `${e.state?.name ?? '?'}: ${e.Error ?? '?'}`;
        diagnostics.workflowFailures[k] = (diagnostics.workflowFailures[k] ?? 0) + 1;
      }
    }
    if (!paidAt.has(pkg)) {
      const app = await ctx.deps().repo.get(id);
      const k = `${app?.status ?? 'missing'}${app?.payout?.attempts ? ` (dispatch attempts ${app.payout.attempts})` : ''}`;
      diagnostics.unpaidStatuses[k] = (diagnostics.unpaidStatuses[k] ?? 0) + 1;
    }
  }

  // Invariants, read back through the API.
  const after = await quotas(ctx);
  const holdersOverspent = [...after.values()]
    .filter((q) => q.reservedFen + q.disbursedFen > q.allocatedFen || q.remainingFen < 0)
    .map((q) => q.highCourtCode);
  let disbursedDeltaFen = 0;
  let reservedLeftFen = 0;
  for (const holder of holders) {
    disbursedDeltaFen += (after.get(holder)?.disbursedFen ?? 0) - (before.get(holder)?.disbursedFen ?? 0);
    reservedLeftFen += (after.get(holder)?.reservedFen ?? 0) - (before.get(holder)?.reservedFen ?? 0);
  }
  const simIds = new Set([...approved.keys()].map((p) => p.slice(4, -2)));
  let paidReliefFen = 0;
  let paidReliefCount = 0;
  let cursor: string | null = null;
  do {
    const q: string = `/applications?campaignId=demo&status=paid&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await ctx.api.expect(200, 'GET', q, { token: spc });
    for (const app of page.body.items as { id: string; reliefAmountFen: number }[])
      if (simIds.has(app.id)) {
        paidReliefFen += app.reliefAmountFen;
        paidReliefCount++;
      }
    cursor = page.body.nextCursor;
  } while (cursor);
  const quotaDisbursedTotalFen = [...after.values()].reduce((s, q) => s + q.disbursedFen, 0);
  let reportTotalFen: number | null = null;
  if (ctx.reportRoute.endsWith('/reports')) {
    const rep = await ctx.api.request('GET', '/campaigns/demo/reports', { token: spc });
    if (rep.status === 200) reportTotalFen = rep.body?.totals?.amountFen ?? null;
  }
  // Approved but not (yet) paid when the box ended: their relief is what must still be reserved.
  let unpaidFen = 0;
  for (const [pkg, a] of approved) if (!paidAt.has(pkg)) unpaidFen += a.amount;
  // A payout may land between the last poll and the read-back: compare the ledger with the API's paid set.
  const totalsAgree =
    disbursedDeltaFen === paidReliefFen &&
    (paidReliefCount !== paidAt.size || paidReliefFen === insurerPaidFen);
  const reservedMatches = reservedLeftFen + disbursedDeltaFen === unpaidFen + insurerPaidFen;
  const lags = [...paidAt.entries()].map(([p, at]) => at - (approved.get(p)?.at ?? at));
  const paid = paidAt.size;
  const throughputPerSec = paid / wallSeconds;
  return {
    target: opts.target,
    launched: Math.min(next, plan.length),
    intakeCompleted: approved.size,
    paid,
    failed,
    failures,
    concurrency: opts.concurrency,
    budgetSeconds: opts.budgetMs === null ? null : round(opts.budgetMs / 1000, 0),
    stoppedByBudget,
    wallSeconds: round(wallSeconds, 1),
    intakeSeconds: round(intakeSeconds, 1),
    throughputPerSec: round(throughputPerSec, 2),
    intakeLatencyMs: { p50: round(percentile(intakeMs, 50), 0), p99: round(percentile(intakeMs, 99), 0) },
    payoutLagMs: { p50: round(percentile(lags, 50), 0), p99: round(percentile(lags, 99), 0) },
    extrapolatedSecondsForTarget: paid < opts.target ? round(opts.target / throughputPerSec, 0) : null,
    invariants: {
      holdersOverspent,
      reservedLeftFen,
      disbursedDeltaFen,
      paidReliefFen,
      insurerPaidFen,
      totalsAgree,
      reportTotalFen,
      quotaDisbursedTotalFen,
      reportAgrees: reportTotalFen === null ? null : reportTotalFen === quotaDisbursedTotalFen,
      unpaidAtEndFen: unpaidFen,
      reservedMatches,
      holds: holdersOverspent.length === 0 && totalsAgree && reservedMatches,
    },
    diagnostics,
    anomalies: { ...anomalies, s3PutRetries: transientRetries.s3Put - s3RetriesBefore },
  };
}
