import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { getCourt } from '../../functions/domain/courts.ts';
import { backoffMs, CONFLICT_RETRY, sleep } from '../../functions/lib/retry.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, TABLE_NAME } from '../../infra/local/stack.ts';
import type { BenchContext } from '../lib/context.ts';
import { anomalies, decide, nextCase, prepareAtHighCourt } from '../lib/flow.ts';
import { mapLimit, round, type Spread, spread } from '../lib/stats.ts';

export interface ContentionRun {
  n: number;
  k: number;
  approvals: {
    wallMs: number;
    perSec: number;
    approved: number;
    quotaExceeded: number;
    other: number;
    retries: number;
  };
  raw: { wallMs: number; perSec: number; succeeded: number; conditionFailed: number; other: number };
  /**
   * What bounds the approvals (issue 13 item 2): the same burst of N as TransactWriteItems on the one
   * quota item, once with only the writer's own item beside it, once with the four items every final
   * approval shared besides the quota row (approvals counter, approval mark, two report rows);
   * cancelled by TransactionConflict, retried with the application's backoff (CONFLICT_RETRY).
   */
  variants?: ContentionVariant[];
  ratio: number;
  invariant: {
    allocatedFen: number;
    reservedPlusDisbursedFen: number;
    remainingFen: number;
    exactlyK: boolean;
    rawExactlyK: boolean;
    holds: boolean;
  };
}

export interface ContentionVariant {
  name: 'tx-quota-own' | 'tx-quota-own-shared';
  wallMs: number;
  perSec: number;
  succeeded: number;
  conditionFailed: number;
  /** TransactionConflict cancellations retried (over the burst). */
  conflicts: number;
  other: number;
  exactlyK: boolean;
}

export interface ContentionResult {
  holder: string;
  court: string;
  runs: ContentionRun[];
  approvalsPerSec: Spread;
  rawPerSec: Spread;
  /** Per variant, its rate over runs (see ContentionRun.variants). */
  variantPerSec?: Partial<Record<ContentionVariant['name'], Spread>>;
  ratio: Spread;
  target: number;
  pass: boolean;
  invariantHeld: boolean;
}

const AMOUNT_FEN = 1_000_000;
const RAW_REPEATS = 5;
const VARIANT_REPEATS = 3;

/** One burst of `n` concurrent transactions conditionally decrementing one item that holds exactly k amounts. */
async function transactionBurst(
  raw: DynamoDBClient,
  name: ContentionVariant['name'],
  tag: string,
  n: number,
  k: number,
): Promise<ContentionVariant> {
  const key = { pk: { S: 'BENCH#contention' }, sk: { S: `TX#${tag}` } };
  await raw.send(
    new PutItemCommand({
      TableName: TABLE_NAME,
      Item: { ...key, entity: { S: 'bench' }, availableFen: { N: String(k * AMOUNT_FEN) } },
    }),
  );
  const shared = (sk: string): TransactWriteItem => ({
    Update: {
      TableName: TABLE_NAME,
      Key: { pk: { S: 'BENCH#contention-shared' }, sk: { S: `${tag}#${sk}` } },
      UpdateExpression: 'ADD approvals :one SET entity = :e',
      ExpressionAttributeValues: { ':one': { N: '1' }, ':e': { S: 'bench' } },
    },
  });
  let conflicts = 0;
  const one = async (i: number): Promise<'ok' | 'condition' | 'other'> => {
    const items: TransactWriteItem[] = [
      {
        Update: {
          TableName: TABLE_NAME,
          Key: key,
          UpdateExpression: 'SET availableFen = availableFen - :a',
          ConditionExpression: 'availableFen >= :a',
          ExpressionAttributeValues: { ':a': { N: String(AMOUNT_FEN) } },
        },
      },
      {
        Put: {
          TableName: TABLE_NAME,
          Item: { pk: { S: `BENCH#contention-own#${tag}#${i}` }, sk: { S: 'APP' }, entity: { S: 'bench' } },
        },
      },
      ...(name === 'tx-quota-own-shared'
        ? [shared('COUNTER'), shared('MARK'), shared('HIGH'), shared('COURT')]
        : []),
    ];
    for (let attempt = 0; attempt < CONFLICT_RETRY.attempts; attempt++) {
      try {
        await raw.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return 'ok';
      } catch (error) {
        const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'condition';
        if (!reasons.some((r) => r.Code === 'TransactionConflict')) return 'other';
        conflicts++;
        await sleep(backoffMs(attempt));
      }
    }
    return 'other';
  };
  const t0 = performance.now();
  const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
  const wallMs = performance.now() - t0;
  const left = await raw.send(new GetItemCommand({ TableName: TABLE_NAME, Key: key, ConsistentRead: true }));
  const succeeded = outcomes.filter((o) => o === 'ok').length;
  return {
    name,
    wallMs: round(wallMs, 1),
    perSec: round(n / (wallMs / 1000), 1),
    succeeded,
    conditionFailed: outcomes.filter((o) => o === 'condition').length,
    conflicts,
    other: outcomes.filter((o) => o === 'other').length,
    exactlyK: succeeded === k && left.Item?.availableFen?.N === '0',
  };
}

/** The median (by wall time) of `repeats` bursts of one variant. */
async function medianBurst(
  raw: DynamoDBClient,
  name: ContentionVariant['name'],
  run: number,
  n: number,
  k: number,
): Promise<ContentionVariant> {
  const bursts: ContentionVariant[] = [];
  for (let b = 0; b < VARIANT_REPEATS; b++)
    bursts.push(await transactionBurst(raw, name, `${name}#${run}#${b}`, n, k));
  bursts.sort((a, b) => a.wallMs - b.wallMs);
  const mid = bursts[Math.floor(bursts.length / 2)] as ContentionVariant;
  return { ...mid, exactlyK: bursts.every((x) => x.exactlyK) };
}

/**
 * N concurrent final approvals at CQ (渝中 CQ0103 reports straight to 重庆高院) against a quota set so
 * that exactly K fit, versus N concurrent raw conditional decrements (`availableFen >= :a`) of one
 * DynamoDB Local item holding exactly K amounts, in the same run.
 */
export async function contention(
  ctx: BenchContext,
  opts: { runs: number; n: number; k: number; deadline: number },
): Promise<ContentionResult> {
  const holder = 'CQ';
  const court = getCourt('CQ0103');
  if (!court) throw new Error('CQ0103 missing');
  const spc = await ctx.api.spc();
  const _approver = await ctx.api.approver(holder);
  const raw = new DynamoDBClient({
    region: LOCAL_REGION,
    endpoint: ctx.stack.endpoints.dynamodb,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 5,
  });
  const runs: ContentionRun[] = [];
  try {
    for (let r = 0; r < opts.runs; r++) {
      if (r > 0 && performance.now() > opts.deadline) {
        ctx.log(`  contention: time box reached after ${r} runs`);
        break;
      }
      const { n, k } = opts;
      // Untimed: N applications waiting at the high court.
      const ids = await mapLimit(Array.from({ length: n }), 8, () =>
        prepareAtHighCourt(ctx.api, nextCase(court, holder, AMOUNT_FEN), (id) =>
          ctx.deps().repo.listDocuments(id),
        ),
      );
      await ctx.stack.settled();
      const before = (await ctx.api.expect(200, 'GET', `/campaigns/demo/quotas/${holder}`, { token: spc }))
        .body;
      const committed = before.reservedFen + before.disbursedFen;
      const allocatedFen = committed + k * AMOUNT_FEN;
      await ctx.api.expect(200, 'PUT', `/campaigns/demo/quotas/${holder}`, {
        token: spc,
        body: { allocatedFen },
      });

      const retriesBefore = anomalies.versionConflictRetries;
      const t0 = performance.now();
      const results = await Promise.all(ids.map((id) => decide(ctx.api, id, holder)));
      const wallMs = performance.now() - t0;
      const approved = results.filter((x) => x.status === 200).length;
      const quotaExceeded = results.filter(
        (x) => x.status === 409 && x.body?.code === 'QUOTA_EXCEEDED',
      ).length;
      const after = (await ctx.api.expect(200, 'GET', `/campaigns/demo/quotas/${holder}`, { token: spc }))
        .body;

      // Raw: the same number of conditional decrements of one item, as a burst repeated RAW_REPEATS
      // times (each on a fresh item holding exactly K amounts); the median burst is this run's figure.
      const bursts: {
        wallMs: number;
        succeeded: number;
        conditionFailed: number;
        left: string | undefined;
      }[] = [];
      for (let b = 0; b < RAW_REPEATS; b++) {
        const key = { pk: { S: 'BENCH#contention' }, sk: { S: `RAW#${r}#${b}` } };
        await raw.send(
          new PutItemCommand({
            TableName: TABLE_NAME,
            Item: { ...key, entity: { S: 'bench' }, availableFen: { N: String(k * AMOUNT_FEN) } },
          }),
        );
        const t1 = performance.now();
        const rawResults = await Promise.allSettled(
          ids.map(() =>
            raw.send(
              new UpdateItemCommand({
                TableName: TABLE_NAME,
                Key: key,
                UpdateExpression: 'SET availableFen = availableFen - :a',
                ConditionExpression: 'availableFen >= :a',
                ExpressionAttributeValues: { ':a': { N: String(AMOUNT_FEN) } },
              }),
            ),
          ),
        );
        const wall = performance.now() - t1;
        const rawLeft = await raw.send(
          new GetItemCommand({ TableName: TABLE_NAME, Key: key, ConsistentRead: true }),
        );
        bursts.push({
          wallMs: wall,
          succeeded: rawResults.filter((x) => x.status === 'fulfilled').length,
          conditionFailed: rawResults.filter(
            (x) => x.status === 'rejected' && (x.reason as Error).name === 'ConditionalCheckFailedException',
          ).length,
          left: rawLeft.Item?.availableFen?.N,
        });
      }
      bursts.sort((a, b) => a.wallMs - b.wallMs);
      const burst = bursts[Math.floor(bursts.length / 2)] as (typeof bursts)[number];
      const rawWallMs = burst.wallMs;
      const succeeded = burst.succeeded;
      const conditionFailed = burst.conditionFailed;
      const rawAllExact = bursts.every((x) => x.succeeded === k && x.left === '0');

      const variants = [
        await medianBurst(raw, 'tx-quota-own', r, n, k),
        await medianBurst(raw, 'tx-quota-own-shared', r, n, k),
      ];

      const reservedPlusDisbursedFen = after.reservedFen + after.disbursedFen;
      const approvalsPerSec = n / (wallMs / 1000);
      const rawPerSec = n / (rawWallMs / 1000);
      const run: ContentionRun = {
        n,
        k,
        approvals: {
          wallMs: round(wallMs, 1),
          perSec: round(approvalsPerSec, 1),
          approved,
          quotaExceeded,
          other: n - approved - quotaExceeded,
          retries: anomalies.versionConflictRetries - retriesBefore,
        },
        raw: {
          wallMs: round(rawWallMs, 1),
          perSec: round(rawPerSec, 1),
          succeeded,
          conditionFailed,
          other: n - succeeded - conditionFailed,
        },
        variants,
        ratio: round(approvalsPerSec / rawPerSec, 3),
        invariant: {
          allocatedFen: after.allocatedFen,
          reservedPlusDisbursedFen,
          remainingFen: after.remainingFen,
          exactlyK: approved === k && after.remainingFen === 0,
          rawExactlyK: rawAllExact,
          holds: reservedPlusDisbursedFen <= after.allocatedFen,
        },
      };
      runs.push(run);
      ctx.log(
        `  contention run ${r + 1}/${opts.runs}: ${approved}/${n} approved (K=${k}) in ${run.approvals.wallMs} ms = ${run.approvals.perSec}/s; raw ${succeeded}/${n} in ${run.raw.wallMs} ms = ${run.raw.perSec}/s; ratio ${run.ratio}; ${variants.map((v) => `${v.name} ${v.perSec}/s (${v.conflicts} conflicts)`).join('; ')}`,
      );
    }
  } finally {
    raw.destroy();
  }
  const ratio = spread(runs.map((x) => x.ratio));
  return {
    holder,
    court: 'CQ0103',
    runs,
    approvalsPerSec: spread(runs.map((x) => x.approvals.perSec)),
    rawPerSec: spread(runs.map((x) => x.raw.perSec)),
    variantPerSec: Object.fromEntries(
      (['tx-quota-own', 'tx-quota-own-shared'] as const).map((name) => [
        name,
        spread(runs.map((x) => x.variants?.find((v) => v.name === name)?.perSec ?? 0)),
      ]),
    ),
    ratio,
    target: 1 / 3,
    pass: ratio.median >= 1 / 3,
    invariantHeld: runs.every((x) => x.invariant.holds && x.invariant.exactlyK && x.invariant.rawExactlyK),
  };
}
