/**
 * `relief decide --batch FILE.csv [--out RESULTS.csv]` (批量审批): the approver's decisions from a CSV,
 * sent as `POST /decision-batches` in chunks of at most 200 (50 by default: see DEFAULT_DECISION_CHUNK).
 *
 * The CSV: header `applicationId,decision,comment` (comment may be left out when every decision is an
 * approval); UTF-8 with or without BOM, or GBK as Excel saves "CSV". Every row is checked before
 * anything is sent — an id that is not a ULID, an unknown decision, a reject or return without a
 * comment, a comment over 4,000 characters, an id twice in the file — and one bad row refuses the whole
 * file (exit 2, each problem with its line and column, nothing sent).
 *
 * Each chunk carries an Idempotency-Key derived from the file's bytes, the chunk size and the chunk's
 * index: a re-run of the same file after a crash or a lost answer replays the recorded results of the
 * chunks that were applied instead of deciding again. The chunks are sent one after another; a chunk
 * the server refuses as a whole stops the run: its items are recorded with the problem's code for a 4xx
 * (nothing applied), NOT_CONFIRMED for a 5xx or no answer (some may have been: re-run the file to learn
 * it), and the later chunks' items NOT_SENT.
 *
 * The result CSV (default `<file>.results.csv` beside the input), one row per input row in input order:
 * applicationId, decision, status, pendingAt, code (empty when decided). UTF-8 with BOM, CRLF, written
 * atomically, also when the run stopped. Exit 0 when every item was decided, 1 otherwise.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { type DecisionKind, requiresComment } from '../functions/domain/approval.ts';
import { decodeUtf8OrGbk } from '../functions/domain/text-encoding.ts';
import { DecisionBatchResult } from '../functions/http/specs/decide-batch.ts';
import { assertWritableTarget, writeFileAtomic } from './atomic.ts';
import { readCsvTable } from './csv.ts';
import {
  EXIT_OK,
  EXIT_SERVER,
  HttpError,
  InputError,
  type InputIssue,
  ServerError,
  UsageError,
} from './errors.ts';
import { type ApiClient, formatHttpError } from './http.ts';
import type { Io } from './io.ts';
import { createProgress } from './progress.ts';
import { defaultResultPath } from './screen.ts';

/** The endpoint's limit per request. */
export const MAX_DECISION_CHUNK = 200;
/**
 * Items per request by default: 200 approvals at a high court took 23–30 s on the loaded benchmark
 * machine and 2 of 5 such batches hit the route's 29 s timeout (bench/RESULTS.md, batch decisions); 50
 * keep a request well inside it.
 */
export const DEFAULT_DECISION_CHUNK = 50;
export const DECISION_COLUMNS = ['applicationId', 'decision', 'comment'] as const;
export const DECISION_RESULT_COLUMNS = ['applicationId', 'decision', 'status', 'pendingAt', 'code'] as const;
/** Recorded for the items of a chunk whose request got no answer or a 5xx (some may have been applied). */
export const NOT_CONFIRMED = 'NOT_CONFIRMED';
/** Recorded for the items of the chunks after the one that stopped the run. */
export const NOT_SENT = 'NOT_SENT';
/** The server's code for items a batch did not reach before its time ran out (sent again, see below). */
export const NOT_ATTEMPTED = 'NOT_ATTEMPTED';
const MAX_REST_ROUNDS = 20;
const MAX_COMMENT = 4000;
const ULID = /^[0-9A-Z]{26}$/;

/** Spellings of a decision a person may type; the API's own words first. */
const DECISIONS: Record<string, DecisionKind> = {
  approve: 'approve',
  reject: 'reject',
  return: 'return',
  批准: 'approve',
  同意: 'approve',
  不批准: 'reject',
  不同意: 'reject',
  驳回: 'reject',
  退回: 'return',
};

export interface DecisionRow {
  line: number;
  applicationId: string;
  decision: DecisionKind;
  comment: string;
}

export interface DecideOptions {
  file: string;
  out?: string;
  /** Items per request, 1-200 (default 50). */
  chunk: number;
  quiet: boolean;
}

interface ItemResult {
  status: string | null;
  pendingAt: string | null;
  code?: string;
}

/** Reads and checks a decisions file (bytes as read); throws InputError naming every bad row. */
export function readDecisions(bytes: Uint8Array, file: string): DecisionRow[] {
  const decoded = decodeUtf8OrGbk(bytes);
  if (!decoded) {
    throw new InputError(file, [
      {
        line: 1,
        message: 'the file is neither UTF-8 nor GBK text',
        messageZh: '文件既不是UTF-8编码也不是GBK编码',
      },
    ]);
  }
  const table = readCsvTable(decoded.text, file, {
    known: DECISION_COLUMNS,
    required: ['applicationId', 'decision'],
  });
  const issues: InputIssue[] = [];
  const rows: DecisionRow[] = [];
  const firstLine = new Map<string, number>();
  for (const { line, values } of table.records) {
    const id = (values.applicationId ?? '').trim().toUpperCase();
    const rawDecision = (values.decision ?? '').trim();
    const comment = (values.comment ?? '').trim();
    let ok = true;
    if (!ULID.test(id)) {
      ok = false;
      issues.push({
        line,
        column: 'applicationId',
        message: `expected an application id (26-character ULID), got ${JSON.stringify(values.applicationId ?? '')}`,
        messageZh: `“${values.applicationId ?? ''}”不是申请编号`,
      });
    } else if (firstLine.has(id)) {
      ok = false;
      issues.push({
        line,
        column: 'applicationId',
        message: `${id} is already decided on line ${firstLine.get(id)}`,
        messageZh: `申请${id}与第${firstLine.get(id)}行重复`,
      });
    } else {
      firstLine.set(id, line);
    }
    const decision = DECISIONS[rawDecision.toLowerCase()];
    if (!decision) {
      ok = false;
      issues.push({
        line,
        column: 'decision',
        message: `expected approve, reject or return (批准/不批准/退回), got ${JSON.stringify(rawDecision)}`,
        messageZh: `审批意见“${rawDecision}”无效（应为批准、不批准或退回）`,
      });
    } else if (requiresComment(decision) && comment === '') {
      ok = false;
      issues.push({
        line,
        column: 'comment',
        message: `a ${decision} needs a comment`,
        messageZh: '不批准或退回须填写理由',
      });
    }
    if ([...comment].length > MAX_COMMENT) {
      ok = false;
      issues.push({
        line,
        column: 'comment',
        message: `at most ${MAX_COMMENT} characters`,
        messageZh: `理由不得超过${MAX_COMMENT}字`,
      });
    }
    if (ok && decision) rows.push({ line, applicationId: id, decision, comment });
  }
  if (table.records.length === 0) {
    issues.push({ line: 2, message: 'no decision rows after the header', messageZh: '没有数据行' });
  }
  if (issues.length > 0) throw new InputError(file, issues);
  return rows;
}

/**
 * The Idempotency-Key of chunk `index`: the same file cut the same way gives the same keys, so a re-run
 * replays what was applied; any change to the file (or to --chunk) gives new ones.
 */
export function chunkKey(fileBytes: Uint8Array, chunkSize: number, index: number): string {
  const digest = createHash('sha256').update(fileBytes).digest('hex').slice(0, 40);
  return `relief-decide:${digest}:${chunkSize}:${index}`;
}

export function decisionResultCsv(rows: readonly DecisionRow[], results: readonly ItemResult[]): string {
  const records = rows.map((row, i) => {
    const r = results[i] as ItemResult;
    return [row.applicationId, row.decision, r.status ?? '', r.pendingAt ?? '', r.code ?? ''];
  });
  return `\uFEFF${stringify([[...DECISION_RESULT_COLUMNS], ...records], { record_delimiter: '\r\n' })}`;
}

export async function decideBatch(opts: DecideOptions, client: ApiClient, io: Io): Promise<number> {
  if (!Number.isInteger(opts.chunk) || opts.chunk < 1 || opts.chunk > MAX_DECISION_CHUNK) {
    throw new UsageError(`--chunk: expected a whole number from 1 to ${MAX_DECISION_CHUNK}`);
  }
  const input = path.resolve(io.cwd, opts.file);
  const out = path.resolve(io.cwd, opts.out ?? defaultResultPath(opts.file));
  if (out === input) throw new UsageError('--out: must not be the input file');
  assertWritableTarget(out);
  let bytes: Buffer;
  try {
    bytes = await readFile(input);
  } catch (err) {
    throw new UsageError(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const rows = readDecisions(bytes, opts.file);
  client.requireToken();

  const results: (ItemResult | undefined)[] = rows.map(() => undefined);
  const progress =
    !opts.quiet && io.stderr.isTTY ? createProgress(io.stderr, rows.length, 'deciding') : undefined;
  let stopped: string[] | undefined;
  try {
    for (let start = 0, index = 0; start < rows.length; start += opts.chunk, index++) {
      const chunk = rows.slice(start, start + opts.chunk);
      if (stopped) {
        chunk.forEach((_, k) => {
          results[start + k] = { status: null, pendingAt: null, code: NOT_SENT };
        });
        continue;
      }
      try {
        // The server stops a batch before its timeout and marks the items it did not reach
        // NOT_ATTEMPTED (nothing written for them): those go again, as a batch of their own.
        let pending = chunk.map((_, k) => k);
        for (let round = 0; pending.length > 0; round++) {
          const part = pending.map((k) => chunk[k] as DecisionRow);
          const key = chunkKey(bytes, opts.chunk, index) + (round === 0 ? '' : `:rest${round}`);
          const answer = await client.json('POST', '/decision-batches', {
            body: {
              items: part.map((r) => ({
                applicationId: r.applicationId,
                decision: r.decision,
                comment: r.comment,
              })),
            },
            headers: { 'idempotency-key': key },
            // Safe to repeat: the key makes a repeat a replay.
            retry: true,
          });
          const parsed = DecisionBatchResult.safeParse(answer);
          const got = parsed.success ? parsed.data.results : [];
          if (got.length !== part.length || got.some((r, j) => r.applicationId !== part[j]?.applicationId)) {
            throw new ServerError(
              `POST /decision-batches: the answer does not hold one result per item, in order (chunk ${index + 1})`,
            );
          }
          const again: number[] = [];
          got.forEach((r, j) => {
            const k = pending[j] as number;
            results[start + k] = { status: r.status, pendingAt: r.pendingAt, code: r.code };
            if (r.code === NOT_ATTEMPTED) again.push(k);
          });
          // No progress at all (the server cannot decide even one in time): stop, they stay NOT_ATTEMPTED.
          if (again.length === pending.length || round >= MAX_REST_ROUNDS) break;
          pending = again;
        }
      } catch (err) {
        if (err instanceof HttpError) {
          stopped = formatHttpError(err);
          // A 4xx refused the whole chunk (nothing applied); a 5xx (e.g. the route's timeout) may have
          // come after some items were decided, each in its own transaction.
          const code = err.status >= 500 ? NOT_CONFIRMED : (err.problem?.code ?? `HTTP_${err.status}`);
          chunk.forEach((_, k) => {
            results[start + k] = { status: null, pendingAt: null, code };
          });
        } else if (err instanceof ServerError) {
          stopped = [err.message];
          chunk.forEach((_, k) => {
            results[start + k] = { status: null, pendingAt: null, code: NOT_CONFIRMED };
          });
        } else {
          throw err;
        }
      }
      progress?.update(Math.min(start + chunk.length, rows.length));
    }
  } finally {
    progress?.stop();
  }

  const done = results as ItemResult[];
  const written = await writeFileAtomic(out, decisionResultCsv(rows, done));
  const failed = done.filter((r) => r.code !== undefined && r.code !== '');
  const byStatus = new Map<string, number>();
  for (const r of done) {
    if (r.code) continue;
    const s = r.status ?? 'unknown';
    byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
  }
  const byCode = new Map<string, number>();
  for (const r of failed) byCode.set(r.code as string, (byCode.get(r.code as string) ?? 0) + 1);
  const lines = [`decided ${rows.length - failed.length} of ${rows.length} application(s)`];
  for (const [status, n] of [...byStatus].sort()) lines.push(`  ${status.padEnd(22)} ${n}`);
  if (failed.length > 0) {
    lines.push(`not decided ${failed.length}:`);
    for (const [code, n] of [...byCode].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
      lines.push(`  ${code.padEnd(22)} ${n}`);
  }
  lines.push(`results: ${written}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  if (stopped) {
    for (const line of stopped) io.stderr.write(`relief: ${line}\n`);
    io.stderr.write(
      'relief: stopped; re-running the same file is safe (the chunks already applied are replayed)\n',
    );
  }
  return failed.length > 0 ? EXIT_SERVER : EXIT_OK;
}
