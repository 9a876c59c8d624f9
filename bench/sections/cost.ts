import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { approvalRoute, getCourt, QUOTA_HOLDER_CODES } from '../../functions/domain/courts.ts';
import { APPROVAL_SUBSTITUTIONS, TABLE_NAME } from '../../infra/local/stack.ts';
import { ApiError, type ApiResponse, batchGrantBody, DOCUMENT_TYPES, putScan } from '../lib/api.ts';
import type { BenchContext } from '../lib/context.ts';
import type { DynamoCounts, InvocationCounts } from '../lib/counters.ts';
import { applicationBody, executingCourtsByHolder, reliefAmountFor } from '../lib/fixtures.ts';
import { APPROVAL_FORM, executionArn, nextCase } from '../lib/flow.ts';
import { type CaseCost, costOf, PRICES, PRICES_OLD_BASIS } from '../lib/prices.ts';
import { percentile, round, type Spread, sleep, spread } from '../lib/stats.ts';
import { computeWriteUnits, type ItemWrite, type KindUnits } from '../lib/write-units.ts';

export interface PerCaseResult {
  cases: number;
  routeLevels: number[];
  dynamo: {
    requests: Record<string, number>;
    /** Per case, by operation and key prefix (see DynamoCounts.targets), largest first. */
    targets: Record<string, number>;
    requestsTotal: number;
    rru: number;
    wru: number;
    withoutCapacity: number;
    /** Per case, by the invocation that made the requests (route, S3 event, workflow task…), most WRU first. */
    byInvocation: Record<string, InvocationCounts>;
    /**
     * Per case, by `<Put|Update|Delete|ConditionCheck> <pk kind>/<sk kind>`: write units computed from the
     * items' sizes (bench/lib/write-units.ts), most units first.
     */
    byItemKind: Record<string, KindUnits>;
    /**
     * The computed totals per case beside what DynamoDB Local reported (`wru`): `local` as Local charges
     * (ConditionChecks free), `aws` as AWS bills (ConditionChecks charged as transactional writes).
     */
    computedWru: { local: number; aws: number; differenceFromReported: number };
    /** How an Update's, Delete's or ConditionCheck's item was sized. */
    sizedBy: string;
  };
  stateTransitions: number;
  historyEvents: Record<string, number>;
  lambda: {
    invocations: number;
    byKind: Record<string, number>;
    /** Summed in-process handler time (ms); a floor for a 256 MB ARM function (a fraction of one vCPU). */
    durationMs: number;
    gbSeconds: number;
  };
  s3: { puts: number; gets: number };
  /** At today's prices (PRICES), on the WRU DynamoDB Local reported. */
  costUsd: CaseCost;
  /** The same units at the earlier runs' prices (PRICES_OLD_BASIS): comparable with results before 2026-12. */
  costUsdOldBasis: CaseCost;
  /** At today's prices with the transactions' ConditionChecks billed as AWS bills them (computedWru.aws − local added). */
  costUsdAwsBilled: CaseCost;
  /** The background reconciler's outbox queries during the probe (scheduled, not per case). */
  backgroundQueries: number;
}

function add(into: Record<string, number>, key: string, n = 1) {
  into[key] = (into[key] ?? 0) + n;
}

/**
 * Runs `cases` cases one at a time, each from intake to payout, counting what the handlers send to
 * DynamoDB (with the capacity DynamoDB Local reports), the workflow's state transitions, the Lambda
 * invocations (API routes, S3 events, workflow tasks) and their in-process durations.
 */
export async function perCase(
  ctx: BenchContext,
  opts: { cases: number; deadline: number },
): Promise<PerCaseResult> {
  const byHolder = executingCourtsByHolder();
  const spc = await ctx.api.spc();
  // Time the workflow's task handlers (the originals, re-registered behind a stopwatch).
  const { loadTaskEntries } = await import('../../infra/local/entries.ts');
  const entries = await loadTaskEntries();
  const tasks = {
    recordTaskToken: entries.get('recordTaskToken') as (p: unknown) => Promise<unknown>,
    dispatchPackage: entries.get('dispatchPackage') as (p: unknown) => Promise<unknown>,
    escalate: entries.get('escalate') as (p: unknown) => Promise<unknown>,
    recordFault: entries.get('recordFault') as (p: unknown) => Promise<unknown>,
  };
  const taskTimes: Record<string, number> = {};
  const taskCounts: Record<string, number> = {};
  const wrap =
    (name: string, fn: (p: unknown) => Promise<unknown>) =>
    async (payload: unknown): Promise<unknown> => {
      const t = performance.now();
      try {
        return await ctx.counter.around(`workflow task: ${name}`, () => fn(payload));
      } finally {
        add(taskTimes, name, performance.now() - t);
        add(taskCounts, name);
      }
    };
  const sfn = ctx.stack.stepFunctions;
  sfn.registerLambdaHandler(
    APPROVAL_SUBSTITUTIONS.RecordTaskTokenFunction,
    wrap('recordTaskToken', tasks.recordTaskToken),
  );
  sfn.registerLambdaHandler(
    APPROVAL_SUBSTITUTIONS.DispatchPackageFunction,
    wrap('dispatchPackage', tasks.dispatchPackage),
  );
  sfn.registerLambdaHandler(APPROVAL_SUBSTITUTIONS.EscalateFunction, wrap('escalate', tasks.escalate));
  sfn.registerLambdaHandler(
    APPROVAL_SUBSTITUTIONS.RecordFaultFunction,
    wrap('recordFault', tasks.recordFault),
  );

  // A mix of routes: municipal direct (2 levels), basic → intermediate → high (3), intermediate (2), high (1).
  const courts = [
    'BJ0108',
    'SH0115',
    'GD0104',
    'SC01',
    'ZJ0102',
    'HB',
    'CQ0106',
    'XJ0102',
    'TJ0104',
    'HN0102',
  ];
  const levels: number[] = [];
  const history: Record<string, number> = {};
  let httpMs = 0;
  let httpCalls = 0;
  let s3EventMs = 0;
  let _webhooks = 0;
  const timedCall = async (
    expected: number,
    method: string,
    path: string,
    o: Parameters<typeof ctx.api.request>[2],
  ) => {
    const t = performance.now();
    const res: ApiResponse = await ctx.api.request(method, path, o);
    httpMs += performance.now() - t;
    httpCalls++;
    if (res.status !== expected) throw new ApiError(`${method} ${path}`, res.status, res.body);
    return res;
  };
  // Quotas: plenty for the probe.
  const holders = new Set(courts.map((c) => approvalRoute(c).at(-1) as string));
  for (const h of holders) {
    const q = (await ctx.api.expect(200, 'GET', `/campaigns/demo/quotas/${h}`, { token: spc })).body;
    await ctx.api.expect(200, 'PUT', `/campaigns/demo/quotas/${h}`, {
      token: spc,
      body: { allocatedFen: q.reservedFen + q.disbursedFen + opts.cases * 5_000_000 },
    });
  }
  await ctx.stack.insurer?.settled();
  await ctx.stack.settled();
  const webhooksBefore = ctx.stack.insurer?.webhooks().length ?? 0;
  const receivedBefore = ctx.stack.insurer?.received().length ?? 0;
  for (const k of Object.keys(taskTimes)) delete taskTimes[k];
  for (const k of Object.keys(taskCounts)) delete taskCounts[k];

  ctx.counter.start();
  let counts: DynamoCounts;
  try {
    for (let i = 0; i < opts.cases; i++) {
      if (i > 0 && performance.now() > opts.deadline) {
        ctx.log(`  perCase: time box reached after ${i} cases`);
        break;
      }
      const code = courts[i % courts.length] as string;
      const court = getCourt(code);
      if (!court) throw new Error(`unknown court ${code}`);
      const route = approvalRoute(code);
      const holder = route.at(-1) as string;
      if (!byHolder.get(holder)?.some((c) => c.code === code)) throw new Error(`${code} not under ${holder}`);
      levels.push(route.length);
      const clerk = await ctx.api.clerk(code);
      const created = await timedCall(201, 'POST', '/applications', {
        token: clerk,
        body: applicationBody(nextCase(court, holder, reliefAmountFor(10_000 + i))),
      });
      const id = created.body.id as string;
      // The six scans granted in one request (document-batches), then the six objects PUT.
      const { scans, body } = batchGrantBody(id, DOCUMENT_TYPES);
      const grant = await timedCall(201, 'POST', `/applications/${id}/document-batches`, {
        token: clerk,
        body,
      });
      for (const [k, doc] of (grant.body.documents as { upload: { url: string } }[]).entries()) {
        const t = performance.now();
        await putScan(doc.upload, scans[k] as Buffer);
        await ctx.stack.settled();
        s3EventMs += performance.now() - t;
      }
      await timedCall(202, 'POST', `/applications/${id}/submit`, { token: clerk, body: APPROVAL_FORM });
      for (const c of route) {
        // Let the workflow record this level's token first, as a human approver would.
        await sleep(30);
        await timedCall(200, 'POST', `/applications/${id}/decisions`, {
          token: await ctx.api.approver(c),
          body: { decision: 'approve', comment: '同意' },
        });
      }
      const arn = executionArn(id);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const d = await sfn.describeExecution(arn);
        if (d.status !== 'RUNNING') {
          if (d.status !== 'SUCCEEDED') throw new Error(`execution ${d.status}: ${d.error ?? ''}`);
          break;
        }
        if (Date.now() > deadline) throw new Error(`execution of ${id} still running`);
        await sleep(20);
      }
      for (const e of sfn.getExecutionHistory(arn)) add(history, e.type);
      _webhooks++;
    }
    await ctx.stack.insurer?.settled();
  } finally {
    counts = ctx.counter.stop();
  }
  const n = levels.length;
  const delivered = (ctx.stack.insurer?.webhooks() ?? []).slice(webhooksBefore);
  const packages = (ctx.stack.insurer?.received() ?? []).slice(receivedBefore);
  const documentsFetched = packages.reduce((s, p) => s + p.package.documents.length, 0);
  const requestsTotal = Object.values(counts.requests).reduce((a, b) => a + b, 0);
  const stateTransitions = ((history.StateEntered ?? 0) + (history.StateRetried ?? 0)) / n;
  const _taskInvocations = Object.values(taskCounts).reduce((a, b) => a + b, 0);
  const byKind: Record<string, number> = {
    'API routes (HTTP)': httpCalls / n,
    'API route: insurer webhook': delivered.length / n,
    'S3 ObjectCreated handler': (DOCUMENT_TYPES.length * n) / n,
    ...Object.fromEntries(Object.entries(taskCounts).map(([k, v]) => [`workflow task: ${k}`, v / n])),
  };
  const invocations = Object.values(byKind).reduce((a, b) => a + b, 0);
  // The insurer's webhook is timed by nobody here: count it at the median HTTP call's duration.
  const durationMs =
    (httpMs +
      (httpMs / Math.max(httpCalls, 1)) * delivered.length +
      s3EventMs +
      Object.values(taskTimes).reduce((a, b) => a + b, 0)) /
    n;
  const gbSeconds = (durationMs / 1000) * PRICES.lambdaMemoryGb;
  const rru = counts.readCapacity / n;
  const wru = counts.writeCapacity / n;
  const s3 = { puts: DOCUMENT_TYPES.length, gets: documentsFetched / n };
  const computed = computeWriteUnits(counts.writes, await storedItems(ctx.deps().doc, counts.writes));
  const usage = {
    stateTransitions,
    wru,
    rru,
    invocations,
    gbSeconds,
    httpApiRequests: (byKind['API routes (HTTP)'] ?? 0) + (byKind['API route: insurer webhook'] ?? 0),
    s3Puts: s3.puts,
    s3Gets: s3.gets,
  };
  const perCaseOf = <T extends object>(rows: Record<string, T>, order: (row: T) => number) =>
    Object.fromEntries(
      Object.entries(rows)
        .map(([k, row]) => [k, scaled(row, n)] as const)
        .sort((a, b) => order(b[1]) - order(a[1])),
    ) as Record<string, T>;
  const threeDigits = (c: CaseCost) =>
    Object.fromEntries(
      Object.entries(c).map(([k, v]) => [k, Number(v.toPrecision(3))]),
    ) as unknown as CaseCost;
  return {
    cases: n,
    routeLevels: levels,
    dynamo: {
      requests: Object.fromEntries(
        Object.entries(counts.requests).map(([k, v]) => [k.replace(/Command$/, ''), round(v / n, 2)]),
      ),
      targets: Object.fromEntries(
        Object.entries(counts.targets)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [k, round(v / n, 2)]),
      ),
      requestsTotal: round(requestsTotal / n, 1),
      rru: round(rru, 1),
      wru: round(wru, 1),
      withoutCapacity: counts.withoutCapacity,
      byInvocation: perCaseOf(counts.byInvocation, (r) => r.writeCapacity + r.readCapacity),
      byItemKind: perCaseOf(computed.byKind, (r) => r.tableWru + r.indexWru + r.conditionCheckWru),
      computedWru: {
        local: round(computed.localWru / n, 1),
        aws: round(computed.awsWru / n, 1),
        differenceFromReported: round((computed.localWru - counts.writeCapacity) / n, 1),
      },
      sizedBy: SIZED_BY,
    },
    stateTransitions: round(stateTransitions, 1),
    historyEvents: Object.fromEntries(Object.entries(history).map(([k, v]) => [k, round(v / n, 1)])),
    lambda: {
      invocations: round(invocations, 1),
      byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, round(v, 2)])),
      durationMs: round(durationMs, 0),
      gbSeconds: round(gbSeconds, 4),
    },
    s3: { puts: s3.puts, gets: round(s3.gets, 1) },
    costUsd: threeDigits(costOf(usage, PRICES)),
    costUsdOldBasis: threeDigits(costOf(usage, PRICES_OLD_BASIS)),
    costUsdAwsBilled: threeDigits(
      costOf({ ...usage, wru: wru + (computed.awsWru - computed.localWru) / n }, PRICES),
    ),
    backgroundQueries: counts.background,
  };
}

const SIZED_BY =
  'a Put by its item; an Update, Delete or ConditionCheck by the item as last Put in the run, else as read back after the run (BatchGetItem on the test table)';

/** Every numeric field of `row` divided by `n` (two decimals), records of numbers alike. */
function scaled<T extends object>(row: T, n: number): T {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      typeof v === 'number' ? round(v / n, 2) : typeof v === 'object' && v !== null ? scaled(v, n) : v,
    ]),
  ) as T;
}

/** The stored items an Update, Delete or ConditionCheck of the run touched, read back now (not counted). */
async function storedItems(
  doc: DynamoDBDocumentClient,
  writes: readonly ItemWrite[],
): Promise<Map<string, Record<string, unknown>>> {
  const keys = [...new Set(writes.filter((w) => w.op !== 'Put').map((w) => w.key))].map((k) => {
    const [pk, sk] = k.split('|');
    return { pk, sk };
  });
  const out = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const res = await doc.send(new BatchGetCommand({ RequestItems: { [TABLE_NAME]: { Keys: pending } } }));
      for (const item of res.Responses?.[TABLE_NAME] ?? []) out.set(`${item.pk}|${item.sk}`, item);
      pending = (res.UnprocessedKeys?.[TABLE_NAME]?.Keys ?? []) as Record<string, unknown>[];
      if (pending.length > 0) await sleep(20 * (attempt + 1));
    }
  }
  return out;
}

export interface GrowthPoint {
  /** Applications in each campaign at this point. */
  applications: Record<string, number>;
  /** Per endpoint ('quotas', 'reports'), per campaign. */
  endpoints: Record<string, Record<string, { p50: Spread; p99: Spread; samplesPerRun: number }>>;
}

export interface GrowthResult {
  campaigns: { small: string; large: string };
  requestedLarge: number;
  /** Seeding ran out of its time box: the large campaign holds fewer applications than requested. */
  stoppedByBudget: boolean;
  seededPerSecond: number;
  before: GrowthPoint;
  after: GrowthPoint;
  /** Large campaign after ÷ small campaign after, measured side by side (interleaved): judged. */
  sideBySide: Record<string, number>;
  /** Large campaign after ÷ the same campaign before seeding (minutes apart: includes machine drift). */
  beforeAfter: Record<string, number>;
  /** Large ÷ small before seeding, both at the small size: the noise floor of the comparison. */
  baseline: Record<string, number>;
  target: number;
  pass: boolean;
}

const STATUSES = [
  ['paid', 0.6],
  ['pending_approval', 0.2],
  ['draft', 0.1],
  ['rejected', 0.05],
  ['declined', 0.05],
] as const;

/**
 * Report latency against campaign size. Two campaigns made for the benchmark (copies of `demo-prep`,
 * with the 32 quota rows), each given `small` applications; then one grows to `large`. Application
 * items are written straight into DynamoDB Local (BatchWriteItem), shaped like the repository's own
 * and cloned from a real application. Both campaigns are measured interleaved before and after, so
 * the judged ratio (large ÷ small, side by side) does not include the machine's drift over minutes.
 */
export async function growth(
  ctx: BenchContext,
  opts: {
    small: number;
    large: number;
    runs: number;
    samples: number;
    templateId: string;
    deadline: number;
  },
): Promise<GrowthResult> {
  const SMALL = 'bench-growth-a';
  const LARGE = 'bench-growth-b';
  const stored = await ctx.deps().repo.get(opts.templateId);
  if (!stored) throw new Error('no template application');
  // The record as it stands before submission (no decisions, package or audit head), ~1.5 KB.
  const { decisions, submission, payout, quotaReservation, taskToken, payoutFlags, ...template } =
    stored as typeof stored & Record<string, unknown>;
  void [decisions, submission, payout, quotaReservation, taskToken, payoutFlags];
  const store = ctx.deps().campaignStore;
  const base = await store.get('demo-prep');
  if (!base) throw new Error('campaign demo-prep missing');
  const at = new Date().toISOString();
  for (const id of [SMALL, LARGE]) {
    await store.put({ ...base, id, name: `${base.name}（基准测试 ${id}）` });
    for (const code of QUOTA_HOLDER_CODES) await store.seedQuota(id, code, 100_000_000, at);
  }
  const doc: DynamoDBDocumentClient = ctx.deps().doc;
  const byHolder = [...executingCourtsByHolder().entries()];
  const written: Record<string, number> = { [SMALL]: 0, [LARGE]: 0 };
  let seeded = 0;
  let seedMs = 0;
  let stoppedByBudget = false;
  const seedTo = async (campaignId: string, count: number, deadline: number) => {
    const t = performance.now();
    const from = written[campaignId] ?? 0;
    const items: Record<string, unknown>[] = [];
    for (let i = from; i < count; i++) {
      const [holder, courts] = byHolder[i % byHolder.length] as [
        string,
        { code: string; caseCourtPrefix: string }[],
      ];
      const court = courts[Math.floor(i / byHolder.length) % courts.length] as {
        code: string;
        caseCourtPrefix: string;
      };
      const id = ulid();
      const createdAt = new Date(Date.now() - (count - i) * 1000).toISOString();
      const r = (i * 7919) % 100;
      let status: string = STATUSES[0][0];
      for (let acc = 0, j = 0; j < STATUSES.length; j++) {
        acc += (STATUSES[j] as (typeof STATUSES)[number])[1] * 100;
        if (r < acc) {
          status = (STATUSES[j] as (typeof STATUSES)[number])[0];
          break;
        }
      }
      const caseNumber = `(2024)${court.caseCourtPrefix}执${100_000 + i}号`;
      const sortKey = `${createdAt}#${id}`;
      items.push({
        ...template,
        pk: `APP#${id}`,
        sk: 'APP',
        entity: 'application',
        gsi1pk: `COURT#${court.code}`,
        gsi1sk: sortKey,
        gsi2pk: `HIGH#${holder}`,
        gsi2sk: sortKey,
        gsi3pk: `CAMPAIGN#${campaignId}`,
        gsi3sk: sortKey,
        id,
        campaignId,
        courtCode: court.code,
        highCourtCode: holder,
        status,
        createdAt,
        updatedAt: createdAt,
        case: { ...template.case, caseNumber },
        duplicateKey: `${caseNumber}#resident-id:${template.applicant.idNumber}`,
        route: approvalRoute(court.code),
      });
    }
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    let b = 0;
    let done = 0;
    const worker = async () => {
      while (b < batches.length) {
        if (performance.now() > deadline) {
          stoppedByBudget = true;
          return;
        }
        const size = (batches[b] as unknown[]).length;
        let pending = (batches[b++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE_NAME]: pending } }));
          pending = (out.UnprocessedItems?.[TABLE_NAME] ?? []) as typeof pending;
          if (pending.length > 0) await sleep(20 * (attempt + 1));
        }
        done += size;
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    written[campaignId] = from + done;
    seeded += done;
    seedMs += performance.now() - t;
  };
  const spc = await ctx.api.spc();
  const kinds = ['quotas'];
  const reports = await ctx.api.request('GET', `/campaigns/${SMALL}/reports`, { token: spc });
  if (reports.status === 200) kinds.push('reports');
  const measure = async (): Promise<GrowthPoint> => {
    const point: GrowthPoint = { applications: { ...written }, endpoints: {} };
    for (const kind of kinds) {
      const p50s: Record<string, number[]> = { [SMALL]: [], [LARGE]: [] };
      const p99s: Record<string, number[]> = { [SMALL]: [], [LARGE]: [] };
      for (const c of [SMALL, LARGE])
        for (let w = 0; w < 3; w++)
          await ctx.api.expect(200, 'GET', `/campaigns/${c}/${kind}`, { token: spc });
      for (let run = 0; run < opts.runs; run++) {
        const order = run % 2 === 0 ? [SMALL, LARGE] : [LARGE, SMALL];
        for (const c of order) {
          const samples: number[] = [];
          for (let i = 0; i < opts.samples; i++) {
            const t = performance.now();
            await ctx.api.expect(200, 'GET', `/campaigns/${c}/${kind}`, { token: spc });
            samples.push(performance.now() - t);
          }
          p50s[c]?.push(percentile(samples, 50));
          p99s[c]?.push(percentile(samples, 99));
        }
      }
      point.endpoints[kind] = {};
      for (const c of [SMALL, LARGE])
        (point.endpoints[kind] as Record<string, unknown>)[c] = {
          p50: spread(p50s[c] ?? []),
          p99: spread(p99s[c] ?? []),
          samplesPerRun: opts.samples,
        };
    }
    ctx.log(
      `  growth at ${written[SMALL]} / ${written[LARGE]}: ${kinds
        .map(
          (k) =>
            `${k} p50 ${round(point.endpoints[k]?.[SMALL]?.p50.median ?? 0, 1)} / ${round(point.endpoints[k]?.[LARGE]?.p50.median ?? 0, 1)} ms`,
        )
        .join(', ')}`,
    );
    return point;
  };
  await seedTo(SMALL, opts.small, Number.POSITIVE_INFINITY);
  await seedTo(LARGE, opts.small, Number.POSITIVE_INFINITY);
  const tMeasure = performance.now();
  const before = await measure();
  // Seed until the time box leaves just enough to measure again.
  const measureMs = performance.now() - tMeasure;
  await seedTo(LARGE, opts.large, opts.deadline - measureMs * 1.3);
  if (stoppedByBudget) ctx.log(`  growth: seeding stopped by its time box at ${written[LARGE]} applications`);
  const after = await measure();
  const p50 = (point: GrowthPoint, kind: string, c: string) =>
    point.endpoints[kind]?.[c]?.p50.median ?? Number.NaN;
  const ratio = (a: number, b: number) => round(a / b, 2);
  const sideBySide: Record<string, number> = {};
  const beforeAfter: Record<string, number> = {};
  const baseline: Record<string, number> = {};
  for (const kind of kinds) {
    sideBySide[kind] = ratio(p50(after, kind, LARGE), p50(after, kind, SMALL));
    beforeAfter[kind] = ratio(p50(after, kind, LARGE), p50(before, kind, LARGE));
    baseline[kind] = ratio(p50(before, kind, LARGE), p50(before, kind, SMALL));
  }
  return {
    campaigns: { small: SMALL, large: LARGE },
    requestedLarge: opts.large,
    stoppedByBudget,
    seededPerSecond: round(seeded / (seedMs / 1000), 0),
    before,
    after,
    sideBySide,
    beforeAfter,
    baseline,
    target: 1.5,
    pass: Object.values(sideBySide).every((r) => r < 1.5),
  };
}
