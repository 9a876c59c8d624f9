/**
 * `relief reconcile STATEMENT.csv --campaign ID [--json]` (对账, spc-admin): posts the insurer's payment
 * statement as it is (`POST /campaigns/{id}/reconciliations`, text/csv: the server reads UTF-8 or GBK and
 * checks every row) and prints the stored result: matched, missing from the statement, unknown packages,
 * amount mismatches, duplicates and declined-but-paid, each listed with its statement line.
 *
 * A statement the server refuses (422 STATEMENT_INVALID) is shown as `file:line: column: problem` for
 * every row and column it names, exit 2, nothing stored. Discrepancies are the statement's content, not
 * a failure of the command: exit 0 once the reconciliation is stored.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as z from 'zod';
import { formatYuan } from '../functions/domain/money.ts';
import { Reconciliation } from '../functions/http/schemas.ts';
import { EXIT_INPUT, EXIT_OK, HttpError, type InputIssue, ServerError, UsageError } from './errors.ts';
import type { ApiClient } from './http.ts';
import type { Io } from './io.ts';
import { printIssues } from './screen.ts';
import { renderTable } from './table.ts';

export interface ReconcileOptions {
  file: string;
  campaign: string;
  json: boolean;
}

type Result = z.infer<typeof Reconciliation>;

/** The server's STATEMENT_INVALID errors (paths `rows[<line>].<column>`, `header.<column>`) as issues. */
export function statementIssuesOf(err: HttpError): InputIssue[] {
  if (err.status !== 422 && err.status !== 413 && err.status !== 415) return [];
  const errors = err.problem?.errors ?? [];
  if (errors.length === 0) {
    const text = `${err.problem?.code ?? `HTTP ${err.status}`}: ${err.problem?.detail ?? ''}`;
    return [{ line: 1, message: text, messageZh: '' }];
  }
  return errors.map((e) => {
    const row = /^rows\[(\d+)\]\.(\w+)$/.exec(e.path ?? '');
    const header = /^header\.(.+)$/.exec(e.path ?? '');
    return {
      line: row ? Number(row[1]) : 1,
      column: row?.[2] ?? header?.[1],
      message: `${e.code ? `${e.code} ` : ''}${e.message ?? ''}`.trim(),
      messageZh: e.messageZh ?? '',
    };
  });
}

function printResult(io: Io, file: string, r: Result) {
  const out: string[] = [];
  const section = (title: string, header: string[], rows: string[][], right: number[]) => {
    if (rows.length === 0) return;
    out.push('', `${title}:`, renderTable(header, rows, new Set(right)).trimEnd());
  };
  const n = (x: number) => String(x).padStart(6);
  out.push(
    `reconciliation ${r.id} of campaign ${r.campaignId}: ${file}, ${r.rows} row(s), ${r.statement.encoding}, sha256 ${r.statement.sha256.slice(0, 16)}…`,
    `  matched                ${n(r.matched)}  (${formatYuan(r.matchedFen)} yuan)`,
    `  missing from statement ${n(r.missingFromStatement.length)}`,
    `  unknown packages       ${n(r.unknownPackages.length)}`,
    `  amount mismatches      ${n(r.amountMismatches.length)}`,
    `  duplicates             ${n(r.duplicates.length)}`,
    `  declined but paid      ${n(r.declinedButPaid.length)}`,
  );
  section(
    'missing from the statement (sent to the insurer, not paid on it)',
    ['packageId', 'applicationId', 'status', 'amountYuan'],
    r.missingFromStatement.map((m) => [m.packageId, m.applicationId, m.status, formatYuan(m.amountFen)]),
    [3],
  );
  section(
    'unknown packages (on the statement, never sent)',
    ['line', 'packageId', 'transactionRef', 'amountYuan'],
    r.unknownPackages.map((u) => [String(u.row), u.packageId, u.transactionRef, formatYuan(u.amountFen)]),
    [0, 3],
  );
  section(
    'amount mismatches',
    ['line', 'packageId', 'applicationId', 'approvedYuan', 'statedYuan', 'differenceYuan'],
    r.amountMismatches.map((m) => [
      String(m.row),
      m.packageId,
      m.applicationId,
      formatYuan(m.approvedFen),
      formatYuan(m.statedFen),
      formatYuan(m.statedFen - m.approvedFen),
    ]),
    [0, 3, 4, 5],
  );
  section(
    'duplicates (a package paid on more than one line)',
    ['line', 'packageId', 'firstLine', 'transactionRef'],
    r.duplicates.map((d) => [String(d.row), d.packageId, String(d.firstRow), d.transactionRef]),
    [0, 2],
  );
  section(
    'declined but paid (the insurer declined the package, the statement pays it)',
    ['line', 'packageId', 'applicationId'],
    r.declinedButPaid.map((d) => [String(d.row), d.packageId, d.applicationId]),
    [0],
  );
  const discrepancies =
    r.missingFromStatement.length +
    r.unknownPackages.length +
    r.amountMismatches.length +
    r.duplicates.length +
    r.declinedButPaid.length;
  out.push(
    '',
    discrepancies === 0
      ? 'the statement agrees with every package sent'
      : `${discrepancies} discrepancy(ies); stored as /campaigns/${r.campaignId}/reconciliations/${r.id}`,
  );
  io.stdout.write(`${out.join('\n')}\n`);
}

export async function reconcile(opts: ReconcileOptions, client: ApiClient, io: Io): Promise<number> {
  const campaign = opts.campaign.trim();
  if (campaign === '') throw new UsageError('--campaign: must not be empty');
  let bytes: Buffer;
  try {
    bytes = await readFile(path.resolve(io.cwd, opts.file));
  } catch (err) {
    throw new UsageError(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (bytes.length === 0) throw new UsageError(`${opts.file}: the file is empty`);
  client.requireToken();
  // One key per run: a throttled or lost call retried is answered with the first result; a later run
  // (more packages may have been sent by then) is a new reconciliation.
  const key = `reconcile-${randomUUID()}`;
  let answer: unknown;
  try {
    answer = await client.json('POST', `/campaigns/${encodeURIComponent(campaign)}/reconciliations`, {
      raw: { contentType: 'text/csv', bytes },
      headers: { 'idempotency-key': key },
      retry: true,
    });
  } catch (err) {
    const issues = err instanceof HttpError ? statementIssuesOf(err) : [];
    if (issues.length === 0) throw err;
    printIssues(io, opts.file, issues);
    io.stderr.write(
      `relief: ${opts.file}: ${issues.length} problem(s) (${(err as HttpError).problem?.code ?? ''}); nothing was stored\n`,
    );
    return EXIT_INPUT;
  }
  const parsed = Reconciliation.safeParse(answer);
  if (!parsed.success) {
    throw new ServerError('POST reconciliations: the answer is not a reconciliation');
  }
  if (opts.json) io.stdout.write(`${JSON.stringify(parsed.data, null, 2)}\n`);
  else printResult(io, opts.file, parsed.data);
  return EXIT_OK;
}
