import { round } from './lib/stats.ts';
import type { CampaignResult } from './sections/campaign.ts';

/** What `npm run bench -- --campaign` writes to bench/campaign.json. */
export interface CampaignRun {
  startedAt: string;
  commit: string;
  machine: {
    cores: number;
    cpuModel: string;
    node: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd?: number[];
  };
  scratchDir: string;
  /** How DynamoDB Local kept the table. */
  dynamo?: string;
  stackStartSeconds: number;
  totalSeconds: number;
  result?: CampaignResult;
  error?: string;
  /** The run this one replaced in bench/campaign.json (its headline figures), shown beside it. */
  previous?: CampaignSummary;
}

/** A campaign run's headline figures, as kept beside the next run. */
export interface CampaignSummary {
  startedAt: string;
  commit: string;
  cases: number;
  loadAverageAtStart: number;
  casesPerSec: number;
  wallSeconds: number;
  /** CPU ms per closed case: this process / the JVM. */
  cpuMsPerCase: { node: number | null; jvm: number | null };
  requestsPerCase: number;
  requestsPerSec: number;
  rawPerSec: number;
  utilisation: number;
  writeUnitsPerCase: number;
  invariantsHeld: boolean;
}

/** The headline figures of `run` (undefined when it aborted). */
export function summarise(run: CampaignRun): CampaignSummary | undefined {
  const r = run.result;
  if (!r) return undefined;
  const perCase = (s: number | null) =>
    s === null || r.completed === 0 ? null : round((s / r.completed) * 1000, 0);
  return {
    startedAt: run.startedAt,
    commit: run.commit,
    cases: r.target,
    loadAverageAtStart: run.machine.loadAverageAtStart[0] ?? 0,
    casesPerSec: r.casesPerSec,
    wallSeconds: r.wallSeconds,
    cpuMsPerCase: { node: perCase(r.cpu.nodeSeconds), jvm: perCase(r.cpu.dynamoSeconds) },
    requestsPerCase: r.dynamo.requestsPerCase,
    requestsPerSec: r.dynamo.requestsPerSec,
    rawPerSec: r.raw.perSec,
    utilisation: r.utilisation,
    writeUnitsPerCase: r.dynamo.writeUnitsPerCase,
    invariantsHeld: r.invariants.holds,
  };
}

/**
 * Issue 13 item 4's starting point (bench/RESULTS.md at 37b3b60 / cba8305): the 320-case run on an idle
 * machine, and the 160-case profile run at load 20–25 beside it.
 */
export const BASELINE = {
  label: 'baseline (320 cases at cba8305, load 0.1 / 160 at 37b3b60, load 20–25)',
  casesPerSec: '3.37 / 1.48',
  cpuMsPerCase: '254 + 284 = 538 / 349 + 430 = 779',
  requestsPerCase: '64.9 / 69.2',
  rawPerSec: '— / 259',
  utilisation: '— / 0.395',
};

/** The campaign figures before this mode existed (bench/RESULTS.md, full run of 2026-11-25, commit 0663183). */
export const PREVIOUS = {
  date: '2026-11-25',
  measured: 850,
  casesPerSec: 3.84,
  extrapolatedMinutes: 43,
  how: 'the full run’s simulation section: over HTTP, 16 in flight, no closure, stopped by its time box',
};

export const CAMPAIGN_MARKER =
  '<!-- campaign: written by `npm run bench -- --campaign`; kept by the other modes -->';

const fen = (f: number) =>
  `${(f / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} CNY`;
const n = (v: number) => v.toLocaleString('en-US');

export function renderCampaign(run: CampaignRun): string {
  const out: string[] = [CAMPAIGN_MARKER, ''];
  const p = (line = '') => out.push(line);
  const r = run.result;
  p('## Campaign (10,000)');
  p();
  if (!r) {
    p(`The run of ${run.startedAt.slice(0, 10)} aborted: ${run.error ?? 'unknown error'}.`);
    p();
    return out.join('\n');
  }
  if (r.target !== 10_000)
    p(
      `**This run: ${n(r.target)} applications, not 10,000** (a development size; \`npm run bench -- --campaign\` runs all 10,000).`,
    );
  p();
  p(
    `\`npm run bench -- --campaign${r.target !== 10_000 ? ` --cases=${r.target}` : ''}\` on ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${run.commit}, ` +
      `${run.machine.cores} × ${run.machine.cpuModel}, Node ${run.machine.node}, load average at start ${run.machine.loadAverageAtStart.map((x) => x.toFixed(2)).join(' / ')}` +
      `${run.machine.loadAverageAtEnd ? `, at end ${run.machine.loadAverageAtEnd.map((x) => x.toFixed(2)).join(' / ')}` : ''}; whole run ${round(run.totalSeconds, 0)} s (stack start ${round(run.stackStartSeconds, 1)} s). ` +
      `Every one of the ${n(r.target)} applications is **measured** (nothing extrapolated): created, six PDFs by presigned PUT (s3rver, HTTP), S3 event, submitted, approved at every level of its route, ` +
      'dispatched by the workflow to the insurer simulator (payDelayMs 50), paid by signed webhook (HTTP), closed (报结). ' +
      `API calls go to the route handlers in process (bench/lib/inprocess-api.ts: ${n(r.inProcessRequests)} in process, ${n(r.httpRequests)} over HTTP — the dev tokens); ` +
      `${r.concurrency} cases in flight; quotas set so the demand fits exactly; DynamoDB Local ${run.dynamo ?? 'SQLite file on tmpfs'}.`,
  );
  p();
  const mix = Object.entries(r.routeMix)
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(', ');
  const prev = run.previous;
  const pv = (f: (s: CampaignSummary) => string) => (prev ? f(prev) : '—');
  p(
    `The previous run (the one this replaced in bench/campaign.json) is beside it${
      prev
        ? `: ${prev.cases} cases on ${prev.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${prev.commit}, load ${prev.loadAverageAtStart.toFixed(1)} at start`
        : ''
    }; then issue 13's ${BASELINE.label}, and the full run of ${PREVIOUS.date} (${n(PREVIOUS.measured)} of 10,000 paid at ${PREVIOUS.casesPerSec} cases/s, the rest extrapolated: ~${PREVIOUS.extrapolatedMinutes} min).`,
  );
  p();
  p(`| figure | now | previous run | ${BASELINE.label} | target |`);
  p('|---|---|---|---|---|');
  p(
    `| applications measured | ${n(r.completed)} of ${n(r.target)} closed, ${r.failed} failed | ${pv((s) => `${n(s.cases)}`)} | 320 / 160 | all, measured |`,
  );
  p(
    `| wall time (first create → last closure) | ${r.wallSeconds} s (${round(r.wallSeconds / 60, 1)} min) | ${pv((s) => `${s.wallSeconds} s`)} | — | < 600 s |`,
  );
  p(
    `| throughput | ${r.casesPerSec} cases/s | ${pv((s) => `${s.casesPerSec} cases/s`)} | ${BASELINE.casesPerSec} cases/s | ≥ 16.7 cases/s |`,
  );
  p(
    `| DynamoDB requests (handlers' client) | ${n(r.dynamo.requests)}: ${r.dynamo.requestsPerCase} per case, ${n(r.dynamo.requestsPerSec)} /s | ${pv((s) => `${s.requestsPerCase} per case, ${n(s.requestsPerSec)} /s`)} | ${BASELINE.requestsPerCase} per case | ≤ 25 per case |`,
  );
  p(
    `| raw DynamoDB Local rate, same run (conditional PutItem, 16 in flight, ${r.raw.before.seconds} s before / ${r.raw.after.seconds} s after) | ${n(r.raw.perSec)} /s (${n(r.raw.before.perSec)} / ${n(r.raw.after.perSec)}) | ${pv((s) => `${n(s.rawPerSec)} /s`)} | ${BASELINE.rawPerSec} | — |`,
  );
  p(
    `| utilisation: campaign requests/s ÷ raw rate | ${r.utilisation} | ${pv((s) => `${s.utilisation}`)} | ${BASELINE.utilisation} | — |`,
  );
  p(`| item writes/s (transaction items + single writes) | ${n(r.dynamo.itemWritesPerSec)} | — | — | — |`);
  if (r.cpu.nodeSeconds !== null)
    p(
      `| CPU during the campaign: this process (handlers, SDK clients, s3rver, interpreter, insurer, driver) / DynamoDB Local JVM, of ${r.cpu.cores} cores × ${r.cpu.wallSeconds} s | ${r.cpu.nodeSeconds} s (${round((r.cpu.nodeSeconds / r.cpu.wallSeconds) * 100, 0)} % of one core) / ${r.cpu.dynamoSeconds ?? '?'} s (${r.cpu.dynamoSeconds === null ? '?' : round((r.cpu.dynamoSeconds / r.cpu.wallSeconds) * 100, 0)} %) | — | — | — |`,
    );
  if (r.cpu.nodeSeconds !== null && r.cpu.dynamoSeconds !== null && r.completed > 0) {
    const node = r.cpu.nodeSeconds / r.completed;
    const jvm = r.cpu.dynamoSeconds / r.completed;
    p(
      `| CPU per case: this process + JVM → ceiling on ${r.cpu.cores} idle cores (cores ÷ CPU per case; contention from other work inflates CPU time too) | ${round(node * 1000, 0)} + ${round(jvm * 1000, 0)} = ${round((node + jvm) * 1000, 0)} ms → ${round(r.cpu.cores / (node + jvm), 1)} cases/s | ${pv((s) => (s.cpuMsPerCase.node === null || s.cpuMsPerCase.jvm === null ? '—' : `${s.cpuMsPerCase.node} + ${s.cpuMsPerCase.jvm} = ${s.cpuMsPerCase.node + s.cpuMsPerCase.jvm} ms`))} | ${BASELINE.cpuMsPerCase} ms | ≤ 120 ms (16.7 cases/s on 2 cores) |`,
    );
  }
  p(
    `| driver's own DynamoDB reads (waiting for S3 events; not counted above) | ${n(r.driverDynamoRequests)} | — | — | — |`,
  );
  p(
    `| WRU / RRU per case | ${r.dynamo.writeUnitsPerCase} / ${r.dynamo.readUnitsPerCase} | ${pv((s) => `${s.writeUnitsPerCase} WRU`)} | — | ≤ 120 WRU |`,
  );
  p(
    `| case time (create → closed), p50 / p99 | ${n(r.caseLatencyMs.p50)} / ${n(r.caseLatencyMs.p99)} ms | — | — | — |`,
  );
  p(
    `| final approval → payout recorded, p50 / p99 | ${n(r.payoutLagMs.p50)} / ${n(r.payoutLagMs.p99)} ms | — | — | — |`,
  );
  p(`| routes (mean ${r.meanLevels} levels) | ${mix} | — | — | 1–3 levels, all 32 holders |`);
  const i = r.invariants;
  p(
    `| **invariants** | ${i.holds ? 'held' : '**VIOLATED**'} | ${pv((s) => (s.invariantsHeld ? 'held' : '**VIOLATED**'))} | held | hold |`,
  );
  p(
    `| quota holders overspent / Δ reserved at the end | ${i.holdersOverspent.length === 0 ? 'none' : i.holdersOverspent.join(', ')} / ${fen(i.reservedLeftFen)} | — | — | none / 0 |`,
  );
  p(
    `| Δ disbursed = Σ relief of the closed cases (API) = Σ insurer payouts | ${fen(i.disbursedDeltaFen)} = ${fen(i.closedReliefFen)} (${n(i.closedCount)}) = ${fen(i.insurerPaidFen)} (${n(i.insurerPaidCount)}) | — | — | equal |`,
  );
  if (i.report)
    p(
      `| report totals vs the sum of the cases; per high court; reconciliation | ${fen(i.report.totalsAmountFen)}, ${n(i.report.totalsPaid)} paid; ${i.report.holdersDiffering.length === 0 ? 'all 32 rows agree' : `differ: ${i.report.holdersDiffering.join(', ')}`}; ${i.report.reconciliationConsistent ? 'consistent' : '**inconsistent**'} | — | — | agree |`,
    );
  p(
    `| DynamoDB requests by operation | ${Object.entries(r.dynamo.byOperation)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', ')} | — | — | — |`,
  );
  if (r.dynamo.topTargetsPerCase)
    p(
      `| what they touch, per case (operation, key prefix pk/sk) | ${Object.entries(
        r.dynamo.topTargetsPerCase,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join('; ')} | — | — | — |`,
    );
  p(
    `| driver retries (submit before documents settled / re-uploads / VERSION_CONFLICT / S3 PUT) | ${r.anomalies.submitNotReady} / ${r.anomalies.reuploads} / ${r.anomalies.versionConflictRetries} / ${r.anomalies.s3PutRetries} | — | — | — |`,
  );
  if (r.failures.length)
    p(`| first failures | ${r.failures.map((f) => f.replaceAll('|', '\\|')).join('<br>')} |  |  |  |`);
  p();
  if (r.dynamo.byCallerPerCase) {
    p(
      'Where each request goes (`RELIEF_BENCH_ATTRIBUTE=1`: the use case, task or adapter function on the call stack of each request, per closed case; background sweeps included):',
    );
    p();
    p('| requests per case | made by → operation |');
    p('|---|---|');
    for (const [k, v] of Object.entries(r.dynamo.byCallerPerCase)) if (v >= 0.05) p(`| ${v} | ${k} |`);
    p();
  }
  return out.join('\n');
}

/** `markdown` with its campaign section (from the marker to the end) replaced by `section`. */
export function spliceCampaign(markdown: string, section: string): string {
  const at = markdown.indexOf(CAMPAIGN_MARKER);
  const head = (at >= 0 ? markdown.slice(0, at) : markdown).trimEnd();
  return `${head}\n\n${section.trimEnd()}\n`;
}
