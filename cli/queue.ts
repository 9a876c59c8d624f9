/**
 * `relief queue [--court CODE] [--campaign ID] [--json]` (待审批): the applications waiting at an
 * approver's court, oldest first, through `GET /applications?pendingAt=` — every page, following
 * `nextCursor`. A table of id, case number, applicant (as the API masks it), relief in yuan, since when
 * it waits (Beijing time) and whether it is past the level's time limit; or the same as JSON.
 *
 * Without --court the court is the token's own (its `court` claim, read, not verified: the server does
 * that). The API refuses another court's queue (403 QUEUE_NOT_YOURS) unless the caller is the SPC.
 */
import * as z from 'zod';
import { formatYuan } from '../functions/domain/money.ts';
import { EXIT_OK, ServerError, UsageError } from './errors.ts';
import type { ApiClient } from './http.ts';
import type { Io } from './io.ts';
import { renderTable } from './table.ts';

/** The most the API serves per page. */
export const QUEUE_PAGE = 200;
/** A stop for a server whose cursors never end (200 × 500 = 100,000 applications). */
const MAX_PAGES = 500;

const QueueItem = z.object({
  id: z.string(),
  status: z.string(),
  pendingAt: z.string().nullable(),
  courtCode: z.string(),
  reliefAmountFen: z.int(),
  case: z.object({ caseNumber: z.string() }).loose(),
  applicant: z.object({ name: z.string() }).loose(),
  waitingSince: z.string().optional(),
  overdue: z.boolean().optional(),
});
const QueuePage = z.object({ items: z.array(QueueItem), nextCursor: z.string().nullable() });

export interface QueueEntry {
  id: string;
  caseNumber: string;
  applicant: string;
  courtCode: string;
  reliefAmountFen: number;
  waitingSince: string | null;
  overdue: boolean;
}

export interface QueueOptions {
  court?: string;
  campaign?: string;
  json: boolean;
}

const BEIJING = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant as Beijing wall time, `2026-12-01 15:15`; '' when absent or not an instant. */
export function beijingTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const p = Object.fromEntries(BEIJING.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The `court` claim of a JWT (unverified), or undefined when the token is not a readable JWT. */
export function courtOfToken(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const court = (claims as { court?: unknown } | null)?.court;
    return typeof court === 'string' && court !== '' ? court : undefined;
  } catch {
    return undefined;
  }
}

/** Every page of the queue at `court`, in the server's order (oldest first). */
export async function fetchQueue(client: ApiClient, court: string, campaign?: string): Promise<QueueEntry[]> {
  const entries: QueueEntry[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; ; page++) {
    if (page >= MAX_PAGES) throw new ServerError(`GET /applications: more than ${MAX_PAGES} pages`);
    const query = new URLSearchParams({ pendingAt: court, limit: String(QUEUE_PAGE) });
    if (campaign) query.set('campaignId', campaign);
    if (cursor) query.set('cursor', cursor);
    const answer = await client.json('GET', `/applications?${query}`, { retry: true });
    const parsed = QueuePage.safeParse(answer);
    if (!parsed.success) {
      throw new ServerError('GET /applications?pendingAt=: the answer does not have the expected shape');
    }
    for (const a of parsed.data.items) {
      if (seen.has(a.id)) continue; // an item that moved between pages is listed once
      seen.add(a.id);
      entries.push({
        id: a.id,
        caseNumber: a.case.caseNumber,
        applicant: a.applicant.name,
        courtCode: a.courtCode,
        reliefAmountFen: a.reliefAmountFen,
        waitingSince: a.waitingSince ?? null,
        overdue: a.overdue === true,
      });
    }
    cursor = parsed.data.nextCursor;
    if (!cursor) return entries;
  }
}

export async function queue(
  opts: QueueOptions,
  client: ApiClient,
  token: string | undefined,
  io: Io,
): Promise<number> {
  client.requireToken();
  const court = (opts.court ?? courtOfToken(token) ?? '').trim().toUpperCase();
  if (court === '') throw new UsageError('--court: required (the token does not name its court)');
  if (!/^[A-Z0-9]{1,16}$/.test(court)) throw new UsageError(`--court: not a court code: ${opts.court}`);
  const entries = await fetchQueue(client, court, opts.campaign?.trim() || undefined);
  if (opts.json) {
    io.stdout.write(`${JSON.stringify({ pendingAt: court, items: entries }, null, 2)}\n`);
    return EXIT_OK;
  }
  const overdue = entries.filter((e) => e.overdue).length;
  if (entries.length === 0) {
    io.stdout.write(`nothing waiting at ${court}\n`);
    return EXIT_OK;
  }
  io.stdout.write(
    renderTable(
      [
        'applicationId',
        'caseNumber',
        'applicant',
        'court',
        'reliefYuan',
        'waitingSince (Beijing)',
        'overdue',
      ],
      entries.map((e) => [
        e.id,
        e.caseNumber,
        e.applicant,
        e.courtCode,
        formatYuan(e.reliefAmountFen),
        beijingTime(e.waitingSince),
        e.overdue ? 'OVERDUE' : '',
      ]),
      new Set([4]),
    ),
  );
  const total = entries.reduce((sum, e) => sum + e.reliefAmountFen, 0);
  io.stdout.write(
    `${entries.length} waiting at ${court}, ${overdue} overdue, ${formatYuan(total)} yuan in all\n`,
  );
  return EXIT_OK;
}
