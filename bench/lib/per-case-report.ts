import type { PerCaseResult } from '../sections/cost.ts';
import { PRICE_SOURCES, PRICES, PRICES_OLD_BASIS } from './prices.ts';
import { round } from './stats.ts';

/** RESULTS.md's per-case tables (section 5): by invocation, by item kind, and the cost per case. */

const usd = (v: number) => `$${v.toFixed(v < 0.01 ? 6 : 2)}`;
const ops = (requests: Record<string, number>) =>
  Object.entries(requests)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** Per case, by route or task: invocations, DynamoDB requests by operation, WRU and RRU as Local reported them. */
export function invocationTable(c: PerCaseResult): string[] {
  const rows = Object.entries(c.dynamo.byInvocation);
  const sum = (f: (r: (typeof rows)[number][1]) => number) =>
    round(
      rows.reduce((s, [, r]) => s + f(r), 0),
      1,
    );
  return [
    '| invocation (route or task) | invocations | DynamoDB requests | by operation | WRU | RRU |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      ([name, r]) =>
        `| ${name} | ${r.invocations} | ${round(
          Object.values(r.requests).reduce((a, b) => a + b, 0),
          2,
        )} | ${ops(r.requests)} | ${r.writeCapacity} | ${r.readCapacity} |`,
    ),
    `| **all** | ${sum((r) => r.invocations)} | ${sum((r) => Object.values(r.requests).reduce((a, b) => a + b, 0))} | | ${sum((r) => r.writeCapacity)} | ${sum((r) => r.readCapacity)} |`,
  ];
}

/** Per case, by write and item kind: write units computed from item sizes, beside Local's reported total. */
export function itemKindTable(c: PerCaseResult): string[] {
  const rows = Object.entries(c.dynamo.byItemKind);
  const sum = (f: (r: (typeof rows)[number][1]) => number) =>
    round(
      rows.reduce((s, [, r]) => s + f(r), 0),
      1,
    );
  const w = c.dynamo.computedWru;
  return [
    '| write × item kind (pk/sk) | count | mean item size (bytes) | table WRU | GSI writes | GSI WRU | ConditionCheck WRU (AWS only) |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      ([name, r]) =>
        `| ${name} | ${r.count} | ${r.count > 0 ? Math.round(r.bytes / r.count) : 0} | ${r.tableWru} | ${r.indexWrites} | ${r.indexWru} | ${r.conditionCheckWru || '—'} |`,
    ),
    `| **all** | ${sum((r) => r.count)} | | ${sum((r) => r.tableWru)} | ${sum((r) => r.indexWrites)} | ${sum((r) => r.indexWru)} | ${sum((r) => r.conditionCheckWru)} |`,
    '',
    `Computed from the items’ sizes by DynamoDB’s rules (attribute names and values; 1 WRU per started KB, 2 in a transaction; ` +
      `a GSI entry written when a write puts an item into an index, changes a projected attribute of one there or takes it out: 1 WRU per started KB ` +
      `of the projected item, doubled in a transaction as DynamoDB Local counts it). Sizing: ${c.dynamo.sizedBy}. ` +
      `Computed as DynamoDB Local charges (ConditionChecks free): ${w.local} WRU per case against ${c.dynamo.wru} reported ` +
      `(difference ${w.differenceFromReported >= 0 ? '+' : ''}${w.differenceFromReported}). ` +
      `As AWS bills it (a ConditionCheck in a transaction billed like a transactional write of the item): ${w.aws} WRU per case.`,
  ];
}

/** The cost per case at today's prices and at the earlier runs' basis, each price with its source. */
export function costTable(c: PerCaseResult): string[] {
  const now = c.costUsd;
  const old = c.costUsdOldBasis;
  const line = (what: string, price: string, source: string, k: keyof typeof now) =>
    `| ${what} | ${price} | ${usd(now[k])} | ${old ? usd(old[k]) : '—'} | ${source} |`;
  const million = (v: number) => `$${round(v * 1e6, 3)} per million`;
  return [
    `| AWS cost per case (USD) | price today (${PRICES.asOf}) | today | earlier runs’ basis | source |`,
    '|---|---|---|---|---|',
    line(
      'Step Functions Standard',
      `$${round(PRICES.stepFunctionsStandardPerTransition * 1000, 4)} per 1,000 transitions`,
      PRICE_SOURCES.stepFunctions,
      'stepFunctions',
    ),
    line(
      'DynamoDB on-demand writes',
      `${million(PRICES.dynamoWritePerWru)} WRU (earlier basis ${million(PRICES_OLD_BASIS.dynamoWritePerWru)})`,
      PRICE_SOURCES.dynamo,
      'dynamoWrite',
    ),
    line(
      'DynamoDB on-demand reads',
      `${million(PRICES.dynamoReadPerRru)} RRU (earlier basis ${million(PRICES_OLD_BASIS.dynamoReadPerRru)})`,
      PRICE_SOURCES.dynamo,
      'dynamoRead',
    ),
    line(
      'Lambda Arm',
      `${million(PRICES.lambdaPerRequest)} requests + $${PRICES.lambdaArmPerGbSecond} per GB-s`,
      PRICE_SOURCES.lambda,
      'lambda',
    ),
    line(
      'API Gateway HTTP API',
      `${million(PRICES.httpApiPerRequest)} requests`,
      PRICE_SOURCES.httpApi,
      'httpApi',
    ),
    line(
      'S3 Standard',
      `$${round(PRICES.s3PutPerRequest * 1000, 4)} per 1,000 PUT, $${round(PRICES.s3GetPerRequest * 1000, 4)} per 1,000 GET`,
      PRICE_SOURCES.s3,
      's3',
    ),
    `| **total** | | **${usd(now.total)}** (${usd(now.total * 10_000)} per 10,000 cases) | ${old ? `${usd(old.total)} (${usd(old.total * 10_000)} per 10,000)` : '—'} | |`,
    '',
    `DynamoDB is priced on the WRU DynamoDB Local reported. With the transactions’ ConditionChecks billed as AWS bills them ` +
      `(${c.dynamo.computedWru?.aws ?? '—'} instead of ${c.dynamo.computedWru?.local ?? '—'} computed WRU per case), the total today is ` +
      `${c.costUsdAwsBilled ? usd(c.costUsdAwsBilled.total) : '—'}. The earlier runs’ basis is DynamoDB on-demand at ` +
      `${million(PRICES_OLD_BASIS.dynamoWritePerWru)} WRU and ${million(PRICES_OLD_BASIS.dynamoReadPerRru)} RRU, what AWS charged ` +
      'before it halved both in November 2024, everything else as today: that column compares with the costs of earlier runs.',
  ];
}
