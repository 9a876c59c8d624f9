/**
 * `relief screen <cases.csv>` (排查): checks candidate cases against the eligibility conditions through
 * POST /eligibility-checks (nothing is persisted) and writes one result row per candidate.
 *
 * Order of work, so that nothing is half-done on failure: options and the output path are checked, the
 * whole file is read and every row validated locally (a bad row stops the run with exit 2 before
 * anything is sent, unless --skip-invalid), then the batches are sent one after another, then the
 * result file is written atomically. Any HTTP failure stops the run with exit 1 and no result file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { assertWritableTarget, writeFileAtomic } from './atomic.ts';
import { type CandidateBody, readCandidates } from './candidates.ts';
import { EXIT_OK, HttpError, InputError, type InputIssue, ServerError, UsageError } from './errors.ts';
import { type ApiClient, formatHttpError } from './http.ts';
import type { Io } from './io.ts';
import { createProgress } from './progress.ts';
import {
  INVALID_INPUT,
  invalidOutcome,
  type Outcome,
  resultCsv,
  type Summary,
  summarize,
} from './results.ts';

/** The endpoint's limit per request. */
export const MAX_BATCH = 1000;
export const DEFAULT_BATCH = 500;

export interface ScreenOptions {
  /** The candidate CSV, relative to io.cwd. */
  file: string;
  campaign: string;
  /** Result CSV; default: beside the input, `<name>.results.csv`. */
  out?: string;
  batch: number;
  skipInvalid: boolean;
  /** Validate the file only; send nothing, write nothing. */
  dryRun: boolean;
}

const CheckResponse = z.object({
  results: z.array(
    z.object({
      index: z.int().min(0),
      eligible: z.boolean(),
      failures: z.array(
        z.object({
          code: z.string(),
          path: z.string().optional(),
          message: z.string().optional(),
          messageZh: z.string().optional(),
        }),
      ),
    }),
  ),
});

/** Default result path: `cases.csv` → `cases.results.csv` in the same directory. */
export function defaultResultPath(input: string): string {
  const dir = path.dirname(input);
  return path.join(dir, `${path.basename(input).replace(/\.csv$/i, '')}.results.csv`);
}

/** Prints up to `max` input issues as `file:line: column: message`. */
export function printIssues(io: Io, file: string, issues: readonly InputIssue[], max = 50) {
  for (const i of issues.slice(0, max)) {
    io.stderr.write(`${file}:${i.line}: ${i.column ? `${i.column}: ` : ''}${i.message}\n`);
  }
  if (issues.length > max) io.stderr.write(`… and ${issues.length - max} more\n`);
}

export async function screen(opts: ScreenOptions, client: ApiClient, io: Io): Promise<number> {
  if (!Number.isInteger(opts.batch) || opts.batch < 1 || opts.batch > MAX_BATCH) {
    throw new UsageError(`--batch: expected a whole number from 1 to ${MAX_BATCH}`);
  }
  if (opts.campaign.trim() === '') throw new UsageError('--campaign: must not be empty');
  const input = path.resolve(io.cwd, opts.file);
  const out = path.resolve(io.cwd, opts.out ?? defaultResultPath(opts.file));
  if (out === input) throw new UsageError('--out: must not be the input file');
  if (!opts.dryRun) assertWritableTarget(out);

  let bytes: Buffer;
  try {
    bytes = await readFile(input);
  } catch (err) {
    throw new UsageError(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const file = readCandidates(bytes, opts.file);
  for (const w of file.warnings) io.stderr.write(`${opts.file}: warning: ${w}\n`);
  const invalid = file.rows.filter((r) => r.issues.length > 0);
  if (invalid.length > 0) {
    const issues = invalid.flatMap((r) => r.issues);
    if (opts.dryRun || !opts.skipInvalid) {
      throw new InputError(opts.file, issues);
    }
    printIssues(io, opts.file, issues);
    io.stderr.write(`${invalid.length} invalid row(s) will be recorded as ${INVALID_INPUT} and not sent\n`);
  }
  if (opts.dryRun) {
    io.stdout.write(
      `${opts.file}: ${file.rows.length} candidate row(s), all valid; nothing sent (--dry-run)\n`,
    );
    return EXIT_OK;
  }

  const toSend = file.rows.flatMap((row, i) => (row.body ? [{ i, body: row.body }] : []));
  const outcomes: (Outcome | undefined)[] = file.rows.map((row) =>
    row.body ? undefined : invalidOutcome(row),
  );
  if (toSend.length > 0) client.requireToken();

  const progress = toSend.length > 0 ? createProgress(io.stderr, toSend.length, 'screening') : undefined;
  try {
    for (let start = 0; start < toSend.length; start += opts.batch) {
      const batch = toSend.slice(start, start + opts.batch);
      const results = await checkBatch(
        client,
        opts.campaign,
        batch.map((c) => c.body),
        (index) => {
          const row = file.rows[batch[index]?.i ?? -1];
          return row ? `line ${row.line}` : `candidate ${index}`;
        },
      );
      results.forEach((outcome, k) => {
        outcomes[(batch[k] as { i: number }).i] = outcome;
      });
      progress?.update(start + batch.length);
    }
  } finally {
    progress?.stop();
  }

  const done = outcomes as Outcome[];
  const written = await writeFileAtomic(out, resultCsv(file.columns, file.rows, done));
  printSummary(io, opts.campaign, summarize(done, invalid.length), written);
  return EXIT_OK;
}

/** One POST /eligibility-checks; returns one outcome per candidate, in order. */
async function checkBatch(
  client: ApiClient,
  campaignId: string,
  candidates: CandidateBody[],
  labelOf: (index: number) => string,
): Promise<Outcome[]> {
  let body: unknown;
  try {
    // No persistence on the server: safe to retry when throttled.
    body = await client.json('POST', '/eligibility-checks', {
      body: { campaignId, candidates },
      retry: true,
    });
  } catch (err) {
    if (err instanceof HttpError) {
      // "candidates.3.applicant.phone" → "line 7: applicant.phone"
      const label = (p: string) =>
        p
          .replace(/^(?:body\.)?candidates\.(\d+)\.?/, (_m, n: string) => `${labelOf(Number(n))}: `)
          .replace(/: $/, '');
      throw new ReportedHttpError(err, formatHttpError(err, 20, label));
    }
    throw err;
  }
  const parsed = CheckResponse.safeParse(body);
  if (!parsed.success) {
    throw new ServerError('POST /eligibility-checks: the answer does not have the expected shape');
  }
  const outcomes: (Outcome | undefined)[] = new Array(candidates.length).fill(undefined);
  for (const r of parsed.data.results) {
    if (r.index >= candidates.length || outcomes[r.index]) {
      throw new ServerError(`POST /eligibility-checks: unexpected or repeated result index ${r.index}`);
    }
    outcomes[r.index] = { eligible: r.eligible, failures: r.failures };
  }
  if (outcomes.some((o) => o === undefined)) {
    throw new ServerError(
      `POST /eligibility-checks: ${parsed.data.results.length} results for ${candidates.length} candidates`,
    );
  }
  return outcomes as Outcome[];
}

/** An HttpError with its lines already worded for the user (e.g. error paths as CSV lines). */
export class ReportedHttpError extends HttpError {
  constructor(
    err: HttpError,
    readonly lines: string[],
  ) {
    super(err.method, err.url, err.status, err.problem, err.bodyText);
  }
}

function printSummary(io: Io, campaign: string, s: Summary, written: string) {
  const w = String(s.total).length;
  const n = (x: number) => String(x).padStart(w);
  const lines = [
    `screened ${s.total} candidate(s) for campaign ${campaign}`,
    `  eligible    ${n(s.eligible)}`,
    `  ineligible  ${n(s.ineligible)}`,
  ];
  if (s.invalid > 0) lines.push(`  invalid     ${n(s.invalid)}  (not sent; INVALID_INPUT)`);
  if (s.topFailureCodes.length > 0) {
    lines.push('top failure codes (rows):');
    const width = Math.max(...s.topFailureCodes.map((t) => t.code.length));
    for (const t of s.topFailureCodes) lines.push(`  ${t.code.padEnd(width)}  ${t.rows}`);
  }
  lines.push(`results: ${written}`);
  io.stdout.write(`${lines.join('\n')}\n`);
}
