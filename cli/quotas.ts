/**
 * `relief quotas set <allocations.csv>` (SPC, 额度分配) and `relief quotas list`.
 *
 * The allocations CSV has the header `highCourtCode,allocatedYuan` and one row per quota holder (the 31
 * high courts and the XPCC branch, functions/domain/courts.ts QUOTA_HOLDER_CODES); any subset may be
 * given, each code at most once. Every row is validated before the first PUT (a bad file → exit 2,
 * nothing sent). Then every row is applied in file order and reported in a table:
 * - a row the server refuses on its own merits (409 QUOTA_BELOW_COMMITTED, 422) is reported and the
 *   others still applied;
 * - a failure that would hit every row (401, 403, 404 unknown campaign, 5xx, network) stops the run;
 *   the rows after it are reported as not applied.
 * Exit 0 when every row applied, 1 otherwise. PUT sets an absolute allocation, so rerunning the file
 * after fixing the cause is safe.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { getCourt, QUOTA_HOLDER_CODES } from '../functions/domain/courts.ts';
import { formatYuan, yuanToFen } from '../functions/domain/money.ts';
import { Fen } from '../functions/http/schemas.ts';
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
import { renderTable } from './table.ts';

export const ALLOCATION_COLUMNS = ['highCourtCode', 'allocatedYuan'] as const;

export interface Allocation {
  line: number;
  highCourtCode: string;
  allocatedFen: number;
}

const Quota = z.object({
  highCourtCode: z.string(),
  allocatedFen: z.number(),
  reservedFen: z.number(),
  disbursedFen: z.number(),
  remainingFen: z.number(),
});
type Quota = z.infer<typeof Quota>;

/** Reads and validates an allocations file; throws InputError listing every bad row. */
export function readAllocations(input: Uint8Array | string, file: string): Allocation[] {
  const table = readCsvTable(input, file, { known: ALLOCATION_COLUMNS, required: ALLOCATION_COLUMNS });
  const issues: InputIssue[] = [];
  const seen = new Map<string, number>();
  const rows: Allocation[] = [];
  for (const { line, values } of table.records) {
    const code = (values.highCourtCode ?? '').trim().toUpperCase();
    const amount = (values.allocatedYuan ?? '').trim();
    let ok = true;
    if (!QUOTA_HOLDER_CODES.includes(code)) {
      ok = false;
      issues.push({
        line,
        column: 'highCourtCode',
        message: `${JSON.stringify(code)} is not a quota holder (one of ${QUOTA_HOLDER_CODES.join(', ')})`,
        messageZh: `“${code}”不是额度持有法院（高级人民法院或兵团分院）`,
      });
    } else if (seen.has(code)) {
      ok = false;
      issues.push({
        line,
        column: 'highCourtCode',
        message: `${code} is already allocated on line ${seen.get(code)}`,
        messageZh: `${code}与第${seen.get(code)}行重复`,
      });
    } else {
      seen.set(code, line);
    }
    let fen = 0;
    try {
      fen = yuanToFen(amount.normalize('NFKC'));
      if (!Fen.safeParse(fen).success) throw new RangeError('too large');
    } catch {
      ok = false;
      issues.push({
        line,
        column: 'allocatedYuan',
        message: `expected an amount in yuan with at most two decimals (at most 1,000,000,000), got ${JSON.stringify(amount)}`,
        messageZh: `金额“${amount}”无效`,
      });
    }
    if (ok) rows.push({ line, highCourtCode: code, allocatedFen: fen });
  }
  if (table.records.length === 0) {
    issues.push({ line: 2, message: 'no allocation rows after the header', messageZh: '没有数据行' });
  }
  if (issues.length > 0) throw new InputError(file, issues);
  return rows;
}

const yuan = (fen: number | undefined) => (fen === undefined ? '' : formatYuan(fen));
const courtName = (code: string) => getCourt(code)?.name ?? '';
const QUOTA_HEADER = ['code', 'court', 'allocated', 'reserved', 'disbursed', 'remaining'];
const quotaCells = (code: string, q: Quota | undefined) => [
  code,
  courtName(code),
  yuan(q?.allocatedFen),
  yuan(q?.reservedFen),
  yuan(q?.disbursedFen),
  yuan(q?.remainingFen),
];
const AMOUNT_COLUMNS = new Set([2, 3, 4, 5]);

export interface QuotasSetOptions {
  file: string;
  campaign: string;
}

export async function setQuotas(opts: QuotasSetOptions, client: ApiClient, io: Io): Promise<number> {
  if (opts.campaign.trim() === '') throw new UsageError('--campaign: must not be empty');
  let bytes: Buffer;
  try {
    bytes = await readFile(path.resolve(io.cwd, opts.file));
  } catch (err) {
    throw new UsageError(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const rows = readAllocations(bytes, opts.file);
  client.requireToken();

  const table: string[][] = [];
  const notes: string[] = [];
  let failed = 0;
  let stopped: string | undefined;
  for (const row of rows) {
    if (stopped) {
      failed++;
      table.push([...quotaCells(row.highCourtCode, undefined), 'NOT APPLIED']);
      continue;
    }
    try {
      const answer = await client.json(
        'PUT',
        `/campaigns/${encodeURIComponent(opts.campaign)}/quotas/${row.highCourtCode}`,
        { body: { allocatedFen: row.allocatedFen }, retry: true },
      );
      const q = Quota.safeParse(answer);
      table.push([...quotaCells(row.highCourtCode, q.success ? q.data : undefined), 'ok']);
    } catch (err) {
      failed++;
      if (err instanceof HttpError && (err.status === 409 || err.status === 422)) {
        table.push([
          row.highCourtCode,
          courtName(row.highCourtCode),
          yuan(row.allocatedFen),
          '',
          '',
          '',
          err.problem?.code ?? `HTTP ${err.status}`,
        ]);
        notes.push(
          `${opts.file}:${row.line}: ${row.highCourtCode}: ${err.problem?.detail ?? err.problem?.title ?? ''}`,
        );
      } else if (err instanceof HttpError || err instanceof ServerError) {
        stopped = err instanceof HttpError ? formatHttpError(err).join('\n') : err.message;
        table.push([
          ...quotaCells(row.highCourtCode, undefined),
          err instanceof HttpError ? `HTTP ${err.status}` : 'ERROR',
        ]);
      } else {
        throw err;
      }
    }
  }
  io.stdout.write(renderTable([...QUOTA_HEADER, 'result'], table, AMOUNT_COLUMNS));
  for (const note of notes) io.stderr.write(`${note}\n`);
  if (stopped) io.stderr.write(`stopped: ${stopped}\n`);
  if (failed > 0) {
    io.stderr.write(`${failed} of ${rows.length} allocation(s) not applied (campaign ${opts.campaign})\n`);
    return EXIT_SERVER;
  }
  io.stderr.write(`${rows.length} allocation(s) applied (campaign ${opts.campaign})\n`);
  return EXIT_OK;
}

export async function listQuotas(opts: { campaign: string }, client: ApiClient, io: Io): Promise<number> {
  if (opts.campaign.trim() === '') throw new UsageError('--campaign: must not be empty');
  const answer = await client.json('GET', `/campaigns/${encodeURIComponent(opts.campaign)}/quotas`, {
    retry: true,
  });
  const parsed = z.object({ items: z.array(Quota) }).safeParse(answer);
  if (!parsed.success) throw new ServerError('GET quotas: the answer does not have the expected shape');
  io.stdout.write(
    renderTable(
      QUOTA_HEADER,
      parsed.data.items.map((q) => quotaCells(q.highCourtCode, q)),
      AMOUNT_COLUMNS,
    ),
  );
  return EXIT_OK;
}
