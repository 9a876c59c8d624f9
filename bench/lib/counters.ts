import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Counts the DynamoDB requests the handlers make, by operation, with the capacity DynamoDB Local
 * reports for them (ReturnConsumedCapacity TOTAL is added while counting). A middleware on the
 * handlers' own client (the composition root's `deps().doc`; the document client shares the base
 * client's middleware stack), so nothing sits in the request path and nothing is counted twice.
 * The reconciler's outbox query is counted apart: it runs on a schedule, not per case.
 */
export interface DynamoCounts {
  requests: Record<string, number>;
  /**
   * What the requests touched: `GetItem APP/APP`, `Query table APP/DOC`, `TransactWriteItems:Put APP/AUDIT`…
   * (partition-key prefix / sort-key prefix), one count per item of a transaction.
   */
  targets: Record<string, number>;
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

const empty = (): DynamoCounts => ({
  requests: {},
  targets: {},
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
      const m = f.match(new RegExp(`at (?:async )?([\\w.<>$]+)? ?\\(?[^()]*functions/${layer}/([\\w/.-]+)\\.ts`));
      if (m) return `${layer}/${m[2]}:${m[1] ?? '?'}`;
    }
  }
  return '?';
}

type Input = Record<string, unknown>;

const prefix = (v: unknown) => (typeof v === 'string' ? (v.split('#')[0] ?? v) : '?');
const keyOf = (o: Input | undefined) => {
  const k = (o?.Key ?? o?.Item) as Input | undefined;
  return `${prefix(k?.pk)}/${prefix(k?.sk)}`;
};

function targetsOf(name: string, input: Input): string[] {
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
    return [`${op} ${(input.IndexName as string | undefined) ?? 'table'} ${prefix(pk)}/${prefix(sk)}`];
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
            if (read !== undefined || write !== undefined) {
              this.counts.readCapacity += read ?? 0;
              this.counts.writeCapacity += write ?? 0;
            } else if (WRITES.has(name)) this.counts.writeCapacity += units;
            else this.counts.readCapacity += units;
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
