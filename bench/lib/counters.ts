import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ItemWrite, itemKind, itemWrites, keyKind } from './write-units.ts';

/**
 * Counts the DynamoDB requests the handlers make, by operation, with the capacity DynamoDB Local
 * reports for them (ReturnConsumedCapacity TOTAL is added while counting). A middleware on the
 * handlers' own client (the composition root's `deps().doc`; the document client shares the base
 * client's middleware stack), so nothing sits in the request path and nothing is counted twice.
 * The reconciler's outbox query is counted apart: it runs on a schedule, not per case.
 * Each request is also attributed to the invocation that made it (`around`, which the local stack calls
 * around every Lambda entry it invokes: LocalStackOptions.aroundInvocation).
 */
export interface DynamoCounts {
  requests: Record<string, number>;
  /**
   * What the requests touched: `GetItem APP/APP`, `Query table APP/DOC`, `TransactWriteItems:Put APP/AUDIT`…
   * (partition-key kind / sort-key kind, ids grouped away: write-units.ts keyKind), one count per item
   * of a transaction.
   */
  targets: Record<string, number>;
  /** By invocation (`POST /applications`, `workflow task: dispatchPackage`…; NO_INVOCATION outside any). */
  byInvocation: Record<string, InvocationCounts>;
  /** Every item written, in order (for write units computed from item sizes: write-units.ts). */
  writes: ItemWrite[];
  readCapacity: number;
  writeCapacity: number;
  /** Requests whose response carried no ConsumedCapacity. */
  withoutCapacity: number;
  background: number;
  /**
   * Requests by the code that made them: `<use case or task file>:<function> → <operation>`, from the
   * call stack (the innermost frame under functions/usecases, functions/tasks or functions/entries).
   * Recorded only when `RELIEF_BENCH_ATTRIBUTE=1` (capturing a stack per request costs CPU).
   */
  byCaller: Record<string, number>;
}

export interface InvocationCounts {
  invocations: number;
  requests: Record<string, number>;
  readCapacity: number;
  writeCapacity: number;
}

/** Where a request made outside any invocation the stack wrapped is counted (the bench's own set-up). */
export const NO_INVOCATION = '(outside any invocation)';

const empty = (): DynamoCounts => ({
  requests: {},
  targets: {},
  byInvocation: {},
  writes: [],
  readCapacity: 0,
  writeCapacity: 0,
  withoutCapacity: 0,
  background: 0,
  byCaller: {},
});

const ATTRIBUTE = process.env.RELIEF_BENCH_ATTRIBUTE === '1';

/** The use case (or task, or entry) that issued the request, from the current call stack. */
function callerOf(): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = limit;
  const frames = (holder.stack ?? '').split('\n').slice(1);
  for (const layer of ['usecases', 'tasks', 'entries', 'adapters']) {
    for (const f of frames) {
      const m = f.match(
        new RegExp(`at (?:async )?([\\w.<>$]+)? ?\\(?[^()]*functions/${layer}/([\\w/.-]+)\\.ts`),
      );
      if (m) return `${layer}/${m[2]}:${m[1] ?? '?'}`;
    }
  }
  return '?';
}

type Input = Record<string, unknown>;

const keyOf = (o: Input | undefined) => itemKind((o?.Key ?? o?.Item) as Input | undefined);

export function targetsOf(name: string, input: Input): string[] {
  const op = name.replace(/Command$/, '');
  if (op === 'TransactWriteItems' || op === 'TransactGetItems') {
    return ((input.TransactItems as Input[] | undefined) ?? []).map((item) => {
      const [kind, body] = Object.entries(item)[0] ?? ['?', {}];
      return `${op}:${kind} ${keyOf(body as Input)}`;
    });
  }
  if (op === 'Query' || op === 'Scan') {
    const values = Object.values((input.ExpressionAttributeValues as Input | undefined) ?? {});
    const pk = values.find((v) => typeof v === 'string' && v.includes('#'));
    const sk = values.find((v) => v !== pk && typeof v === 'string');
    return [`${op} ${(input.IndexName as string | undefined) ?? 'table'} ${keyKind(pk)}/${keyKind(sk)}`];
  }
  if (op === 'BatchWriteItem' || op === 'BatchGetItem') return [op];
  return [`${op} ${keyOf(input)}`];
}

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

export class DynamoCounter {
  private counts = empty();
  private enabled = false;
  private readonly invocation = new AsyncLocalStorage<string>();

  private row(name: string): InvocationCounts {
    this.counts.byInvocation[name] ??= { invocations: 0, requests: {}, readCapacity: 0, writeCapacity: 0 };
    return this.counts.byInvocation[name];
  }

  /** Runs `run` as one invocation named `name`: the requests it makes are counted under that name. */
  around<T>(name: string, run: () => Promise<T>): Promise<T> {
    if (this.enabled) this.row(name).invocations++;
    return this.invocation.run(name, run);
  }

  /** Installs the counting middleware once on `doc` (idempotent per client). */
  install(doc: DynamoDBDocumentClient): void {
    const stack = doc.middlewareStack as unknown as {
      add: (mw: unknown, opts: { step: string; name: string; override?: boolean }) => void;
    };
    stack.add(
      (
        next: (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
        context: { commandName?: string },
      ) =>
        async (args: { input: Record<string, unknown> }) => {
          if (!this.enabled) return next(args);
          const name = context.commandName ?? 'unknown';
          const values = args.input.ExpressionAttributeValues as Record<string, unknown> | undefined;
          // The reconciler's polling of the outbox (its shards, OUTBOX#<n>): background, not per case.
          if (
            name === 'QueryCommand' &&
            (values?.[':o'] === 'OUTBOX' || String(values?.[':pk'] ?? '').startsWith('OUTBOX#'))
          ) {
            this.counts.background++;
            return next(args);
          }
          this.counts.requests[name] = (this.counts.requests[name] ?? 0) + 1;
          const op = name.replace(/Command$/, '');
          const by = this.row(this.invocation.getStore() ?? NO_INVOCATION);
          by.requests[op] = (by.requests[op] ?? 0) + 1;
          this.counts.writes.push(...itemWrites(name, args.input));
          if (ATTRIBUTE) {
            const key = `${callerOf()} → ${name.replace(/Command$/, '')}`;
            this.counts.byCaller[key] = (this.counts.byCaller[key] ?? 0) + 1;
          }
          for (const t of targetsOf(name, args.input))
            this.counts.targets[t] = (this.counts.targets[t] ?? 0) + 1;
          const result = await next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } });
          const consumed = result.output.ConsumedCapacity as
            | { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }
            | { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }[]
            | undefined;
          const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
          if (list.length === 0) this.counts.withoutCapacity++;
          for (const c of list) {
            const units = c.CapacityUnits ?? 0;
            const read = c.ReadCapacityUnits;
            const write = c.WriteCapacityUnits;
            const [r, w] =
              read !== undefined || write !== undefined
                ? [read ?? 0, write ?? 0]
                : WRITES.has(name)
                  ? [0, units]
                  : [units, 0];
            this.counts.readCapacity += r;
            this.counts.writeCapacity += w;
            by.readCapacity += r;
            by.writeCapacity += w;
          }
          return result;
        },
      { step: 'initialize', name: 'benchDynamoCounter', override: true },
    );
  }

  start(): void {
    this.counts = empty();
    this.enabled = true;
  }

  stop(): DynamoCounts {
    this.enabled = false;
    return structuredClone(this.counts);
  }
}
