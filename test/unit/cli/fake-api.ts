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
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, without its "?". */
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

/** Fake tokens are `fake.<court>.<roles>`. */
function principal(req: IncomingMessage): { court: string; roles: string[] } | undefined {
  const m = /^Bearer fake\.([A-Z0-9]+)\.([a-z,-]+)$/.exec(req.headers.authorization ?? '');
  return m ? { court: m[1] as string, roles: (m[2] as string).split(',') } : undefined;
}

export async function startFakeApi(options: Partial<FakeOptions> = {}): Promise<FakeApi> {
  const opts: FakeOptions = { devTokens: true, belowCommitted: new Set(), ...options };
  const requests: RecordedRequest[] = [];
  let checkCalls = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return problem(res, 400, 'MALFORMED_JSON', 'Malformed JSON', 'The body is not JSON.');
    }
    const [path = '/', search = ''] = (req.url ?? '/').split('?');
    const method = req.method ?? 'GET';
    requests.push({ method, path, query: search, headers: req.headers, body });

    if (method === 'POST' && path === '/dev/tokens' && opts.devTokens) {
      const b = body as { court: string; roles: string[]; sub: string };
      return send(res, 201, {
        token: `fake.${b.court}.${b.roles.join(',')}`,
        expiresAt: '2030-01-01T00:00:00Z',
      });
    }
    const who = principal(req);
    const known = path === '/eligibility-checks' || path.startsWith('/campaigns/');
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
      if (new URLSearchParams(search).get('highCourtCode') === 'SH')
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
