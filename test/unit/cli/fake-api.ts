import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CandidateBody } from '../../../cli/candidates.ts';
import type { Io } from '../../../cli/io.ts';
import { getCourt } from '../../../functions/domain/courts.ts';
import { type ApplicationFacts, evaluateEligibility } from '../../../functions/domain/eligibility.ts';

/**
 * A minimal fake of the relief API on 127.0.0.1 (a free port) for the CLI's tests: /dev/tokens,
 * /eligibility-checks (real domain eligibility with the demo limits), quotas and reports. Every request
 * is recorded; the options switch on failures.
 */
export interface FakeOptions {
  /** Serve POST /dev/tokens (false: 404 ROUTE_NOT_FOUND, like a deployment). */
  devTokens: boolean;
  /** Answer the nth (1-based) and every later POST /eligibility-checks with this status and problem. */
  failCheckOnCall?: { call: number; status: number; problem?: Record<string, unknown> };
  /** Answer the first POST /eligibility-checks with 429 (then normally). */
  throttleFirstCheck?: boolean;
  /** Drop the last result from every eligibility answer (a server breaking the contract). */
  dropLastResult?: boolean;
  /** High courts whose PUT quota answers 409 QUOTA_BELOW_COMMITTED. */
  belowCommitted: Set<string>;
  /** Answer every PUT quota with this status (e.g. 403). */
  quotaStatus?: number;
  /** Content type answered for reports instead of the requested one. */
  reportContentType?: string;
  /** The approver queues by court (GET /applications?pendingAt=), oldest first. */
  queues: Record<string, Record<string, unknown>[]>;
  /** Items per page of a queue (the CLI asks for 200; the fake pages smaller to exercise nextCursor). */
  queuePageSize: number;
  /** POST /decision-batches: the result of an application id (default: approved, pendingAt null). */
  decisionOutcomes: Map<string, { status: string | null; pendingAt: string | null; code?: string }>;
  /** Answer the nth (1-based) and every later POST /decision-batches with this status and problem. */
  failBatchOnCall?: { call: number; status: number; problem?: Record<string, unknown> };
  /** Drop the connection of the nth POST /decision-batches (no answer) after applying it. */
  dropBatchOnCall?: number;
  /** Decide at most this many items per POST /decision-batches, the rest NOT_ATTEMPTED (out of time). */
  batchTimeFor?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, without '?' ('' when none). */
  query: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeApi {
  url: string;
  options: FakeOptions;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Bytes of the fake .xlsx: a zip signature and every byte value, so any text decoding would show. */
export const FAKE_XLSX = Buffer.concat([
  Buffer.from('PK\u0003\u0004', 'latin1'),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
]);
/** Bytes of the fake written report (.docx), binary like the workbook. */
export const FAKE_DOCX = Buffer.concat([
  Buffer.from('PK\u0003\u0004word', 'latin1'),
  Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i)),
]);
export const FAKE_REPORT_CSV = '\uFEFF高级人民法院代码,救助案件数\r\nBJ,3\r\n';
export const FAKE_REPORT = {
  campaignId: 'demo',
  totals: { cases: 3, persons: 3, amountFen: 9_000_000 },
  byHighCourt: [],
};
/** The reconciliation the fake answers for any statement without the word BAD. */
export const FAKE_RECONCILIATION = {
  id: '01JRECONCILIATION000000000',
  campaignId: 'demo',
  recordedAt: '2026-12-01T07:15:00.000Z',
  recordedBy: { sub: 'spc', court: 'SPC', roles: ['spc-admin'] },
  statement: { sha256: 'ab'.repeat(32), sizeBytes: 200, encoding: 'utf-8' },
  rows: 4,
  matched: 1,
  matchedFen: 300_000,
  missingFromStatement: [
    {
      packageId: 'PKG-MISSING-1',
      applicationId: '01JAPPMISSING0000000000000',
      status: 'approved',
      amountFen: 250_000,
    },
  ],
  unknownPackages: [{ row: 3, packageId: 'PKG-NOBODY', transactionRef: 'PICC-9', amountFen: 1_000 }],
  amountMismatches: [
    {
      row: 4,
      packageId: 'PKG-MISMATCH',
      applicationId: '01JAPPMISMATCH000000000000',
      approvedFen: 500_000,
      statedFen: 450_000,
    },
  ],
  duplicates: [{ row: 5, packageId: 'PKG-OK', firstRow: 2, transactionRef: 'PICC-1' }],
  declinedButPaid: [],
};
export const DEMO_LIMITS = { standardLimitFen: 5_000_000, specialLimitFen: 10_000_000 };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json') {
  const data = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, { 'content-type': contentType, 'content-length': data.length });
  res.end(data);
}

function problem(
  res: ServerResponse,
  status: number,
  code: string,
  title: string,
  detail: string,
  extra = {},
) {
  send(
    res,
    status,
    { type: 'about:blank', title, status, detail, code, ...extra },
    'application/problem+json',
  );
}

/** Fake tokens are `fake.<court>.<roles>`, or JWT-shaped `x.<base64url {court, roles}>.y` (not verified). */
function principal(req: IncomingMessage): { court: string; roles: string[] } | undefined {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer fake\.([A-Z0-9]+)\.([a-z,-]+)$/.exec(header);
  if (m) return { court: m[1] as string, roles: (m[2] as string).split(',') };
  const jwt = /^Bearer [\w-]+\.([\w-]+)\.[\w-]+$/.exec(header);
  if (!jwt) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(jwt[1] as string, 'base64url').toString('utf8'));
    return typeof claims.court === 'string' ? { court: claims.court, roles: claims.roles ?? [] } : undefined;
  } catch {
    return undefined;
  }
}

/** A JWT-shaped token the fake accepts (and `relief queue` reads its court from). */
export function fakeJwt(court: string, roles: string[]): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: 'u', court, roles })}.sig`;
}

export async function startFakeApi(options: Partial<FakeOptions> = {}): Promise<FakeApi> {
  const opts: FakeOptions = {
    devTokens: true,
    belowCommitted: new Set(),
    queues: {},
    queuePageSize: 2,
    decisionOutcomes: new Map(),
    ...options,
  };
  const requests: RecordedRequest[] = [];
  let checkCalls = 0;
  let batchCalls = 0;
  /** Idempotency-Key → the recorded answer of POST /decision-batches (replayed like the server). */
  const batchReplies = new Map<string, unknown>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    if ((req.headers['content-type'] ?? '').startsWith('text/csv')) body = Buffer.concat(chunks);
    else {
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return problem(res, 400, 'MALFORMED_JSON', 'Malformed JSON', 'The body is not JSON.');
      }
    }
    const [path, search] = (req.url ?? '/').split('?') as [string, string | undefined];
    const query = new URLSearchParams(search ?? '');
    const method = req.method ?? 'GET';
    requests.push({ method, path, query: search ?? '', headers: req.headers, body });

    if (method === 'POST' && path === '/dev/tokens' && opts.devTokens) {
      const b = body as { court: string; roles: string[]; sub: string };
      return send(res, 201, {
        token: `fake.${b.court}.${b.roles.join(',')}`,
        expiresAt: '2030-01-01T00:00:00Z',
      });
    }
    const who = principal(req);
    const known =
      path === '/eligibility-checks' ||
      path === '/applications' ||
      path === '/decision-batches' ||
      path.startsWith('/campaigns/');
    if (!known)
      return problem(res, 404, 'ROUTE_NOT_FOUND', 'Not Found', `No route matches ${method} on this path.`);
    if (!who)
      return problem(res, 401, 'UNAUTHENTICATED', 'Unauthorized', 'A valid bearer token is required.');

    if (method === 'POST' && path === '/eligibility-checks') {
      checkCalls++;
      if (opts.throttleFirstCheck && checkCalls === 1) {
        return problem(res, 429, 'THROTTLED', 'Too Many Requests', 'Slow down.');
      }
      if (opts.failCheckOnCall && checkCalls >= opts.failCheckOnCall.call) {
        const f = opts.failCheckOnCall;
        return send(
          res,
          f.status,
          f.problem ?? { title: 'Boom', status: f.status, code: 'BOOM', detail: 'It failed.' },
          'application/problem+json',
        );
      }
      const court = getCourt(who.court);
      if (!court)
        return problem(res, 403, 'COURT_CANNOT_EXECUTE', 'Forbidden', 'Screening is for executing courts.');
      const b = body as { campaignId: string; candidates: unknown[] };
      if (b.campaignId !== 'demo')
        return problem(
          res,
          422,
          'UNKNOWN_CAMPAIGN',
          'Unprocessable',
          `Campaign "${b.campaignId}" does not exist.`,
        );
      const results = b.candidates.map((c, index) => {
        const parsed = CandidateBody.safeParse(c);
        if (!parsed.success) {
          return {
            index,
            eligible: false,
            failures: [{ code: 'VALIDATION_FAILED', path: '', message: 'bad' }],
          };
        }
        const r = evaluateEligibility(parsed.data as ApplicationFacts, {
          campaign: DEMO_LIMITS,
          executingCourt: court,
          today: '2025-06-01',
        });
        return { index, eligible: r.eligible, failures: r.failures };
      });
      if (opts.dropLastResult) results.pop();
      const eligible = results.filter((r) => r.eligible).length;
      return send(res, 200, {
        results,
        summary: { total: results.length, eligible, ineligible: results.length - eligible },
      });
    }

    if (method === 'GET' && path === '/applications') {
      const court = query.get('pendingAt') ?? '';
      if (court !== who.court && who.court !== 'SPC')
        return problem(res, 403, 'QUEUE_NOT_YOURS', 'Forbidden', `The queue of ${court} is not yours.`);
      const all = opts.queues[court] ?? [];
      const from = Number(query.get('cursor') ?? '0');
      const size = Math.min(opts.queuePageSize, Number(query.get('limit') ?? '50'));
      const items = all.slice(from, from + size);
      return send(res, 200, { items, nextCursor: from + size < all.length ? String(from + size) : null });
    }

    if (method === 'POST' && path === '/decision-batches') {
      batchCalls++;
      const key = String(req.headers['idempotency-key'] ?? '');
      const recorded = key ? batchReplies.get(key) : undefined;
      if (recorded) return send(res, 200, recorded);
      if (opts.failBatchOnCall && batchCalls >= opts.failBatchOnCall.call) {
        const f = opts.failBatchOnCall;
        return send(
          res,
          f.status,
          f.problem ?? { title: 'Boom', status: f.status, code: 'BOOM', detail: 'It failed.' },
          'application/problem+json',
        );
      }
      const items = (body as { items: { applicationId: string }[] }).items;
      const answer = {
        results: items.map((i, n) =>
          opts.batchTimeFor !== undefined && n >= opts.batchTimeFor
            ? { applicationId: i.applicationId, status: null, pendingAt: null, code: 'NOT_ATTEMPTED' }
            : {
                applicationId: i.applicationId,
                ...(opts.decisionOutcomes.get(i.applicationId) ?? { status: 'approved', pendingAt: null }),
              },
        ),
      };
      if (key) batchReplies.set(key, answer);
      if (opts.dropBatchOnCall === batchCalls) {
        res.destroy();
        return;
      }
      return send(res, 200, answer);
    }

    const reconciliations = /^\/campaigns\/([^/]+)\/reconciliations$/.exec(path);
    if (method === 'POST' && reconciliations) {
      if (!who.roles.includes('spc-admin'))
        return problem(res, 403, 'FORBIDDEN', 'Forbidden', 'Only the SPC reconciles.');
      if (reconciliations[1] !== 'demo')
        return problem(res, 404, 'NOT_FOUND', 'Not Found', 'Unknown campaign.');
      if (!Buffer.isBuffer(body))
        return problem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type', 'Send text/csv.');
      if (body.toString('utf8').includes('BAD')) {
        return problem(res, 422, 'STATEMENT_INVALID', 'Unprocessable', 'The statement was refused.', {
          errors: [
            {
              code: 'UNKNOWN_COLUMN',
              path: 'header.colour',
              message: 'Header, column 5: "colour" is not a statement column.',
            },
            {
              code: 'NEGATIVE_AMOUNT',
              path: 'rows[3].amountFen',
              message: 'row 3, column amountFen: negative.',
            },
          ],
        });
      }
      return send(res, 201, FAKE_RECONCILIATION);
    }

    const quota = /^\/campaigns\/([^/]+)\/quotas\/([A-Z0-9]+)$/.exec(path);
    if (method === 'PUT' && quota) {
      const code = quota[2] as string;
      if (opts.quotaStatus)
        return problem(res, opts.quotaStatus, 'FORBIDDEN', 'Forbidden', 'Only the SPC allocates quotas.');
      if (quota[1] !== 'demo') return problem(res, 404, 'NOT_FOUND', 'Not Found', 'Unknown campaign.');
      if (opts.belowCommitted.has(code)) {
        return problem(
          res,
          409,
          'QUOTA_BELOW_COMMITTED',
          'Conflict',
          `The allocation of ${code} would fall below the 3,000,000 fen reserved and disbursed.`,
        );
      }
      const allocatedFen = (body as { allocatedFen: number }).allocatedFen;
      return send(res, 200, {
        campaignId: 'demo',
        highCourtCode: code,
        allocatedFen,
        reservedFen: 3_000_000,
        disbursedFen: 0,
        remainingFen: allocatedFen - 3_000_000,
        updatedAt: '2025-06-01T00:00:00Z',
      });
    }
    if (method === 'GET' && path === '/campaigns/demo/quotas') {
      return send(res, 200, {
        items: [
          {
            campaignId: 'demo',
            highCourtCode: 'BJ',
            allocatedFen: 100_000_000,
            reservedFen: 3_000_000,
            disbursedFen: 0,
            remainingFen: 97_000_000,
            updatedAt: '2025-06-01T00:00:00Z',
          },
        ],
        nextCursor: null,
      });
    }
    const summary = /^\/campaigns\/([^/]+)\/reports\/summary$/.exec(path);
    if (method === 'GET' && summary) {
      if (summary[1] !== 'demo') return problem(res, 404, 'NOT_FOUND', 'Not Found', 'Unknown campaign.');
      if (query.get('highCourtCode') === 'SH')
        return problem(res, 404, 'NOT_FOUND', 'Not Found', 'Not yours.');
      return send(res, 200, FAKE_DOCX, opts.reportContentType ?? DOCX);
    }
    const reports = /^\/campaigns\/([^/]+)\/reports$/.exec(path);
    if (method === 'GET' && reports) {
      if (reports[1] !== 'demo') return problem(res, 404, 'NOT_FOUND', 'Not Found', 'Unknown campaign.');
      const accept = req.headers.accept ?? '';
      if (accept.includes(XLSX)) return send(res, 200, FAKE_XLSX, opts.reportContentType ?? XLSX);
      if (accept.includes('text/csv'))
        return send(res, 200, FAKE_REPORT_CSV, opts.reportContentType ?? 'text/csv; charset=utf-8');
      return send(res, 200, FAKE_REPORT, opts.reportContentType ?? 'application/json');
    }
    return problem(res, 404, 'ROUTE_NOT_FOUND', 'Not Found', `No route matches ${method} on this path.`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    options: opts,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        // closing twice is fine (a test may stop the server early)
        server.close(() => resolve());
      }),
  };
}

export interface CapturedIo extends Io {
  out(): string;
  err(): string;
  outBytes(): Buffer;
}

/** An Io with captured output, an empty environment (unless given) and no retry pauses. */
export function captureIo(cwd: string, env: Record<string, string> = {}, stdoutIsTTY = false): CapturedIo {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const toBuf = (c: string | Uint8Array) => (typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
  return {
    stdout: { write: (c) => out.push(toBuf(c)), isTTY: stdoutIsTTY },
    stderr: { write: (c) => err.push(toBuf(c)), isTTY: false },
    env,
    cwd,
    fetch: globalThis.fetch,
    retryDelaysMs: [0, 0],
    timeoutMs: 10_000,
    out: () => Buffer.concat(out).toString('utf8'),
    err: () => Buffer.concat(err).toString('utf8'),
    outBytes: () => Buffer.concat(out),
  };
}
