/**
 * `relief report <campaign> --format csv|xlsx|json [--out file]`: GET /campaigns/{id}/reports in the
 * media type of the format. With --out the bytes are written atomically, unchanged (binary-safe; JSON
 * is pretty-printed). Without --out: JSON pretty-printed and CSV as is on stdout; an .xlsx only when
 * stdout is not a terminal (piped or redirected), otherwise --out is required.
 *
 * `relief report <campaign> --summary [--high-court CODE] [--out file]`: the written report (书面报告,
 * GET /campaigns/{id}/reports/summary) as .docx — one high court's, or without --high-court the SPC's
 * national one — written the same way as an .xlsx.
 */
import path from 'node:path';
import { assertWritableTarget, writeFileAtomic } from './atomic.ts';
import { EXIT_OK, ServerError, UsageError } from './errors.ts';
import type { ApiClient } from './http.ts';
import type { Io } from './io.ts';

export const REPORT_MEDIA_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json',
} as const;
export type ReportFormat = keyof typeof REPORT_MEDIA_TYPES;

export interface ReportOptions {
  campaign: string;
  format: string;
  out?: string;
}

function isFormat(f: string): f is ReportFormat {
  return Object.hasOwn(REPORT_MEDIA_TYPES, f);
}

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface SummaryOptions {
  campaign: string;
  highCourt?: string;
  out?: string;
}

/** The written report as .docx: to --out (atomically), or to stdout when it is not a terminal. */
export async function reportSummary(opts: SummaryOptions, client: ApiClient, io: Io): Promise<number> {
  if (opts.campaign.trim() === '') throw new UsageError('campaign: must not be empty');
  const highCourt = opts.highCourt?.trim().toUpperCase();
  if (highCourt !== undefined && !/^[A-Z]{2,3}$/.test(highCourt))
    throw new UsageError(
      `--high-court: expected a high court's code such as BJ, got ${JSON.stringify(opts.highCourt)}`,
    );
  const out = opts.out === undefined ? undefined : path.resolve(io.cwd, opts.out);
  if (out) assertWritableTarget(out);
  else if (io.stdout.isTTY) throw new UsageError('--out is required for --summary when stdout is a terminal');
  client.requireToken();
  const query = highCourt === undefined ? '' : `?highCourtCode=${encodeURIComponent(highCourt)}`;
  const res = await client.request(
    'GET',
    `/campaigns/${encodeURIComponent(opts.campaign)}/reports/summary${query}`,
    { accept: DOCX, retry: true },
  );
  const got = res.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (got !== DOCX)
    throw new ServerError(`the server answered ${got || 'no content type'} for Accept: ${DOCX}`);
  if (out) {
    const written = await writeFileAtomic(out, res.bytes);
    io.stdout.write(`wrote ${written} (${res.bytes.length} bytes, docx)\n`);
  } else {
    io.stdout.write(res.bytes);
  }
  return EXIT_OK;
}

export async function report(opts: ReportOptions, client: ApiClient, io: Io): Promise<number> {
  const format = opts.format.trim().toLowerCase();
  if (!isFormat(format))
    throw new UsageError(`--format: expected csv, xlsx or json, got ${JSON.stringify(opts.format)}`);
  if (opts.campaign.trim() === '') throw new UsageError('campaign: must not be empty');
  const out = opts.out === undefined ? undefined : path.resolve(io.cwd, opts.out);
  if (out) assertWritableTarget(out);
  else if (format === 'xlsx' && io.stdout.isTTY) {
    throw new UsageError('--out is required for --format xlsx when stdout is a terminal');
  }
  client.requireToken();

  const media = REPORT_MEDIA_TYPES[format];
  const res = await client.request('GET', `/campaigns/${encodeURIComponent(opts.campaign)}/reports`, {
    accept: media,
    retry: true,
  });
  const got = res.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (got !== media) {
    throw new ServerError(`the server answered ${got || 'no content type'} for Accept: ${media}`);
  }
  let data: Buffer | string = res.bytes;
  if (format === 'json') {
    try {
      data = `${JSON.stringify(JSON.parse(res.bytes.toString('utf8')), null, 2)}\n`;
    } catch {
      throw new ServerError('the JSON report does not parse');
    }
  }
  if (out) {
    const written = await writeFileAtomic(out, data);
    io.stdout.write(`wrote ${written} (${Buffer.byteLength(data)} bytes, ${format})\n`);
  } else {
    io.stdout.write(data);
  }
  return EXIT_OK;
}
