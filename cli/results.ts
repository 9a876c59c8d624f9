/**
 * The result CSV of `relief screen`: every input column as read, then `eligible` (true/false),
 * `failureCodes` (stable codes, ';'-separated) and `failureMessagesZh` (the Chinese messages, one
 * after another). UTF-8 with a BOM and CRLF line ends, so spreadsheet programs open it as Chinese text.
 */
import { stringify } from 'csv-stringify/sync';
import type { CandidateRow } from './candidates.ts';

export const RESULT_COLUMNS = ['eligible', 'failureCodes', 'failureMessagesZh'] as const;

/** Failure code given to a row that failed local validation (only with --skip-invalid). */
export const INVALID_INPUT = 'INVALID_INPUT';

export interface Failure {
  code: string;
  path?: string;
  message?: string;
  messageZh?: string;
}

export interface Outcome {
  eligible: boolean;
  failures: Failure[];
}

/** The outcome recorded for a row that failed local validation. */
export function invalidOutcome(row: CandidateRow): Outcome {
  return {
    eligible: false,
    failures: row.issues.map((i) => ({
      code: INVALID_INPUT,
      path: i.column,
      message: i.message,
      messageZh: `第${i.line}行${i.column ? `“${i.column}”列` : ''}：${i.messageZh}`,
    })),
  };
}

/** The result CSV text, one output row per input row, in input order. */
export function resultCsv(
  columns: readonly string[],
  rows: readonly CandidateRow[],
  outcomes: readonly Outcome[],
): string {
  if (rows.length !== outcomes.length) throw new Error('resultCsv: one outcome per row expected');
  const records = rows.map((row, i) => {
    const outcome = outcomes[i] as Outcome;
    return [
      ...columns.map((c) => row.cells[c] ?? ''),
      outcome.eligible ? 'true' : 'false',
      [...new Set(outcome.failures.map((f) => f.code))].join(';'),
      outcome.failures.map((f) => f.messageZh ?? f.message ?? f.code).join(' '),
    ];
  });
  return `\uFEFF${stringify([[...columns, ...RESULT_COLUMNS], ...records], { record_delimiter: '\r\n' })}`;
}

export interface Summary {
  total: number;
  eligible: number;
  ineligible: number;
  /** Rows that failed local validation (recorded only with --skip-invalid). */
  invalid: number;
  /** Failure codes by the number of rows they appear in, most frequent first. */
  topFailureCodes: { code: string; rows: number }[];
}

export function summarize(outcomes: readonly Outcome[], invalid: number, top = 10): Summary {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    for (const code of new Set(o.failures.map((f) => f.code))) counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  const eligible = outcomes.filter((o) => o.eligible).length;
  return {
    total: outcomes.length,
    eligible,
    ineligible: outcomes.length - eligible - invalid,
    invalid,
    topFailureCodes: [...counts]
      .map(([code, rows]) => ({ code, rows }))
      .sort((a, b) => b.rows - a.rows || a.code.localeCompare(b.code))
      .slice(0, top),
  };
}
