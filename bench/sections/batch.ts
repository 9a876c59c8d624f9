import os from 'node:os';
import { getCourt } from '../../functions/domain/courts.ts';
import { decideBatch as decideBatchSpec } from '../../functions/http/specs/decide-batch.ts';
import type { BenchContext } from '../lib/context.ts';
import { decide, nextCase, prepareAtHighCourt } from '../lib/flow.ts';
import { mapLimit, percentile, round, type Spread, spread } from '../lib/stats.ts';

type Kind = 'approve' | 'return';

export interface DecisionBatchRun {
  decision: Kind;
  /** The HTTP status of the batch (200; a 500 is the route's timeout: no per-item answer). */
  status: number;
  items: number;
  /** Wall time of the one POST /decision-batches (HTTP, client side). */
  batchMs: number;
  perItemMs: number;
  /** Items answered without a code (approved, quota reserved). */
  decided: number;
  refused: number;
  /** Serial single final approvals (POST /applications/{id}/decisions) in the same run. */
  singleMs: number[];
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  invariantHolds: boolean;
}

export interface DecisionBatchResult {
  holder: string;
  items: number;
  singlesPerRun: number;
  runs: DecisionBatchRun[];
  /** Percentiles of the batch wall time over the runs (p99 of a handful of runs is close to their max). */
  batchMs: { p50: number; p99: number; spread: Spread };
  perItemMs: Spread;
  /** Percentiles over every single decision of every run. */
  singleMs: { p50: number; p99: number; samples: number };
  /** The route's Lambda timeout, which the batch must stay under. */
  timeoutSeconds: number;
  /** Every batch answered 200 with every item decided. */
  allDecided: boolean;
  invariantHeld: boolean;
}

const AMOUNT_FEN = 100_000;

/**
 * Per run: `items` + `singles` fresh applications of 陕西高院 (SN, route SN only: its approval is final
 * and reserves quota in the same transaction) are brought to the high court over HTTP (untimed) and
 * SN's quota is set so that all fit; then one POST /decision-batches approves `items` of them (timed)
 * and `singles` are approved one after another with POST /applications/{id}/decisions (each timed), the
 * order alternating per run. A one-item batch warms the route up first.
 */
export async function decisionBatch(
  ctx: BenchContext,
  opts: { runs: number; items: number; singles: number; deadline: number },
): Promise<DecisionBatchResult> {
  const holder = 'SN';
  const court = getCourt(holder);
  if (!court) throw new Error('SN missing');
  const spc = await ctx.api.spc();
  const approver = await ctx.api.approver(holder);
  const quotaPath = `/campaigns/demo/quotas/${holder}`;
  const prepare = (n: number) =>
    mapLimit(Array.from({ length: n }), 8, () =>
      prepareAtHighCourt(ctx.api, nextCase(court, holder, AMOUNT_FEN), (id) =>
        ctx.deps().repo.listDocuments(id),
      ),
    );
  const batch = (ids: readonly string[], decision: Kind, key: string) =>
    ctx.api.request('POST', '/decision-batches', {
      token: approver,
      headers: { 'idempotency-key': key },
      body: {
        items: ids.map((applicationId) => ({
          applicationId,
          decision,
          comment: decision === 'approve' ? '同意' : '材料需补正',
        })),
      },
    });

  // Warm-up (untimed): the batch route's handler loaded and its first call made.
  const [warm] = await prepare(1);
  await ctx.stack.settled();
  await batch([warm as string], 'return', `bench-batch-warm-${Date.now()}`);

  const runs: DecisionBatchRun[] = [];
  for (let r = 0; r < opts.runs; r++) {
    // All runs, even past the time box: p50/p99 over fewer runs would say little (the box is logged).
    if (performance.now() > opts.deadline) ctx.log(`  decisionBatch: past its time box at run ${r + 1}`);
    // Untimed: fresh cases at the high court, and SN's quota set so that all of them fit.
    const tPrep = performance.now();
    const ids = await prepare(opts.items + opts.singles);
    await ctx.stack.settled();
    ctx.log(
      `  decisionBatch run ${r + 1}: ${ids.length} cases prepared in ${round((performance.now() - tPrep) / 1000, 1)} s`,
    );
    const batchIds = ids.slice(0, opts.items);
    const singleIds = ids.slice(opts.items);
    const decision: Kind = 'approve';
    const before = (await ctx.api.expect(200, 'GET', quotaPath, { token: spc })).body;
    await ctx.api.expect(200, 'PUT', quotaPath, {
      token: spc,
      body: { allocatedFen: before.reservedFen + before.disbursedFen + ids.length * AMOUNT_FEN },
    });
    const loadAverageAtStart = os.loadavg();
    let batchMs = 0;
    let decided = 0;
    let status = 0;
    const runBatch = async () => {
      const t0 = performance.now();
      const res = await batch(batchIds, decision, `bench-batch-${r}-${Date.now()}`);
      batchMs = performance.now() - t0;
      status = res.status;
      if (res.status === 200) {
        decided = (res.body.results as { code?: string }[]).filter((x) => !x.code).length;
        return;
      }
      // No answer per item (e.g. the route's timeout: 500): how many were decided all the same.
      ctx.log(
        `  decisionBatch run ${r + 1}: answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
      );
      const now = await mapLimit(batchIds, 8, (id) =>
        ctx.api.expect(200, 'GET', `/applications/${id}`, { token: approver }),
      );
      decided = now.filter((x) => x.body.status !== 'pending_approval').length;
    };
    const singleMs: number[] = [];
    const runSingles = async () => {
      for (const id of singleIds) {
        const t0 = performance.now();
        const res = await decide(ctx.api, id, holder, decision);
        singleMs.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`single decision: ${res.status} ${JSON.stringify(res.body)}`);
      }
    };
    if (r % 2 === 0) {
      await runBatch();
      await runSingles();
    } else {
      await runSingles();
      await runBatch();
    }
    const loadAverageAtEnd = os.loadavg();
    const after = (await ctx.api.expect(200, 'GET', quotaPath, { token: spc })).body;
    const run: DecisionBatchRun = {
      decision,
      status,
      items: batchIds.length,
      batchMs: round(batchMs, 1),
      perItemMs: round(batchMs / batchIds.length, 2),
      decided,
      refused: batchIds.length - decided,
      singleMs: singleMs.map((x) => round(x, 1)),
      loadAverageAtStart: loadAverageAtStart.map((x) => round(x, 2)),
      loadAverageAtEnd: loadAverageAtEnd.map((x) => round(x, 2)),
      invariantHolds: after.reservedFen + after.disbursedFen <= after.allocatedFen && after.remainingFen >= 0,
    };
    runs.push(run);
    ctx.log(
      `  decisionBatch run ${r + 1}/${opts.runs} (${decision}): HTTP ${status}, ${decided}/${batchIds.length} decided in ${run.batchMs} ms (${run.perItemMs} ms/item); single p50 ${round(percentile(singleMs, 50), 1)} ms; load ${run.loadAverageAtStart[0]}`,
    );
  }
  const batchValues = runs.map((x) => x.batchMs);
  const singles = runs.flatMap((x) => x.singleMs);
  return {
    holder,
    items: opts.items,
    singlesPerRun: opts.singles,
    runs,
    batchMs: {
      p50: round(percentile(batchValues, 50), 1),
      p99: round(percentile(batchValues, 99), 1),
      spread: spread(batchValues),
    },
    perItemMs: spread(runs.map((x) => x.perItemMs)),
    singleMs: {
      p50: round(percentile(singles, 50), 1),
      p99: round(percentile(singles, 99), 1),
      samples: singles.length,
    },
    timeoutSeconds: decideBatchSpec.timeoutSeconds ?? 10,
    allDecided: runs.every((x) => x.status === 200 && x.refused === 0),
    invariantHeld: runs.every((x) => x.invariantHolds),
  };
}
