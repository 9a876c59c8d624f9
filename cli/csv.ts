/**
 * Reading the operator's CSV files: UTF-8 with or without a BOM (a GBK file is refused with a hint),
 * LF or CRLF line ends, RFC 4180 quoting (a quoted cell may span lines). Every record keeps the
 * 1-based line of the file where it starts, so errors can name it. Blank lines, and lines whose cells
 * are all blank (spreadsheet exports), are skipped.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { InputError, type InputIssue } from './errors.ts';

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  /** Cell values by canonical column name (only the columns of the header). */
  values: Record<string, string>;
}

export interface CsvTable {
  /** Canonical column names, in the file's order. */
  columns: string[];
  records: CsvRecord[];
}

export interface HeaderSpec {
  /** Every column the file may have (canonical spelling; matched case-insensitively, trimmed). */
  known: readonly string[];
  /** Columns the header must have. */
  required: readonly string[];
}

/** Decodes UTF-8 strictly, dropping a BOM. Throws InputError for anything else (e.g. GBK). */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    // TextDecoder drops a leading BOM by default (ignoreBOM: false).
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(file, [
      {
        line: 1,
        message: 'the file is not UTF-8 text (a GBK file? save it as "CSV UTF-8")',
        messageZh: '文件不是UTF-8编码（如为GBK编码，请另存为“CSV UTF-8”格式）',
      },
    ]);
  }
}

/** Parses a CSV file with a header row; checks the header against `spec`. Throws InputError. */
export function readCsvTable(input: Uint8Array | string, file: string, spec: HeaderSpec): CsvTable {
  const text = (typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodeUtf8(input, file)).replace(
    /\r\n/g,
    '\n',
  );
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof rows;
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines ?? 1;
      throw new InputError(file, [
        { line, message: `malformed CSV: ${err.message}`, messageZh: `CSV格式错误：${err.message}` },
      ]);
    }
    throw err;
  }
  const startLine = (r: { record: string[]; info: { lines: number } }) =>
    r.info.lines - r.record.reduce((n, cell) => n + countNewlines(cell), 0);
  const nonBlank = rows.filter((r) => r.record.some((cell) => cell.trim() !== ''));
  const [headerRow, ...dataRows] = nonBlank;
  if (!headerRow) {
    throw new InputError(file, [{ line: 1, message: 'the file is empty', messageZh: '文件为空' }]);
  }
  const headerLine = startLine(headerRow);
  const byLower = new Map(spec.known.map((name) => [name.toLowerCase(), name]));
  const issues: InputIssue[] = [];
  const columns: string[] = [];
  headerRow.record.forEach((raw, i) => {
    const name = raw.trim();
    const canonical = byLower.get(name.toLowerCase());
    if (name === '' && i === headerRow.record.length - 1 && i > 0) return; // trailing comma in the header
    if (!canonical) {
      issues.push({
        line: headerLine,
        column: name,
        message: `unknown column ${JSON.stringify(name)} (known: ${spec.known.join(', ')})`,
        messageZh: `未知的列“${name}”`,
      });
    } else if (columns.includes(canonical)) {
      issues.push({
        line: headerLine,
        column: canonical,
        message: `column ${canonical} appears twice`,
        messageZh: `列“${canonical}”重复`,
      });
    }
    columns.push(canonical ?? name);
  });
  for (const name of spec.required) {
    if (!columns.includes(name)) {
      issues.push({
        line: headerLine,
        column: name,
        message: `missing column ${name}`,
        messageZh: `缺少列“${name}”`,
      });
    }
  }
  if (issues.length > 0) throw new InputError(file, issues);

  const records: CsvRecord[] = [];
  for (const row of dataRows) {
    const line = startLine(row);
    const cells = row.record;
    const extra = cells.slice(columns.length);
    if (cells.length < columns.length || extra.some((c) => c.trim() !== '')) {
      issues.push({
        line,
        message: `expected ${columns.length} fields, found ${cells.length}`,
        messageZh: `应有${columns.length}个字段，实有${cells.length}个`,
      });
      continue;
    }
    const values: Record<string, string> = {};
    columns.forEach((name, i) => {
      values[name] = cells[i] ?? '';
    });
    records.push({ line, values });
  }
  if (issues.length > 0) throw new InputError(file, issues);
  return { columns, records };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
