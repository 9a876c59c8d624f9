import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SIGNATURE_HEADER,
  type SignatureVerification,
  signPayload,
  verifySignature,
} from '../../../functions/lib/webhook-signature.ts';
import type { InsurerPackage, PayoutWebhook } from '../../../infra/local/insurer-simulator.ts';

export const PACKAGE_SECRET = 'relief-outbound-package-secret';
export const WEBHOOK_SECRET = 'picc-local-webhook-secret-0001';

export const nowSeconds = () => Math.floor(Date.now() / 1000);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export interface Delivery {
  rawBody: string;
  body: PayoutWebhook;
  header: string | undefined;
  /** The delivery's Relief-Correlation-Id (the package's, echoed). */
  correlationId: string | undefined;
  verification: SignatureVerification;
  /** What the stand-in endpoint answered. */
  status: number;
}

/**
 * A stand-in for the system's `POST /insurer/webhooks`: verifies every delivery's signature with
 * verifySignature (401 when it fails, as the real handler does) and otherwise answers what
 * `respond(attemptNumber)` says (default 200).
 */
export async function startWebhookReceiver(secret = WEBHOOK_SECRET) {
  const deliveries: Delivery[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let respond: (attempt: number) => number = () => 200;
  const server = createServer(async (req, res) => {
    const raw = await readAll(req);
    const header = req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined;
    const verification = verifySignature(header, raw, [secret], nowSeconds());
    const status = verification.ok ? respond(deliveries.length + 1) : 401;
    deliveries.push({
      rawBody: raw.toString('utf8'),
      body: JSON.parse(raw.toString('utf8')) as PayoutWebhook,
      header,
      correlationId: req.headers['relief-correlation-id'] as string | undefined,
      verification,
      status,
    });
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    for (const waiter of waiters.filter((w) => deliveries.length >= w.count)) waiter.resolve();
  });
  const base = await listen(server);
  return {
    url: `${base}/insurer/webhooks`,
    deliveries,
    /** Scripts the answers: `respond(n)` gives the status for the n-th delivery (1-based, all events). */
    respondWith(fn: (attempt: number) => number) {
      respond = fn;
    },
    /** Resolves once `count` deliveries have arrived (the test's own timeout bounds the wait). */
    waitFor(count: number): Promise<Delivery[]> {
      if (deliveries.length >= count) return Promise.resolve(deliveries.slice());
      return new Promise((resolve) => waiters.push({ count, resolve: () => resolve(deliveries.slice()) }));
    },
    reset() {
      deliveries.length = 0;
      waiters.length = 0;
      respond = () => 200;
    },
    close: () => closeServer(server),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/**
 * Serves document bytes at `/docs/<name>` (any query string, as a presigned URL carries, is
 * ignored). `failFirst(name, n, status)` makes the first n requests for a document fail.
 */
export async function startDocumentServer() {
  const documents = new Map<string, Buffer>();
  const failures = new Map<string, { remaining: number; status: number }>();
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://docs.local').pathname;
    const name = path.replace(/^\/docs\//, '');
    hits.push(name);
    const failure = failures.get(name);
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      res.writeHead(failure.status).end();
      return;
    }
    const bytes = req.method === 'GET' && path.startsWith('/docs/') ? documents.get(name) : undefined;
    if (!bytes) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': bytes.length }).end(bytes);
  });
  const base = await listen(server);
  return {
    hits,
    put(name: string, bytes: Buffer): { url: string; sha256: string } {
      documents.set(name, bytes);
      return {
        url: `${base}/docs/${name}?X-Amz-Expires=300&X-Amz-Signature=local`,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
    },
    failFirst(name: string, count: number, status: number) {
      failures.set(name, { remaining: count, status });
    },
    reset() {
      documents.clear();
      failures.clear();
      hits.length = 0;
    },
    close: () => closeServer(server),
  };
}

export type DocumentServer = Awaited<ReturnType<typeof startDocumentServer>>;

export const DOCUMENT_TYPES = [
  'identity',
  'enforcement-basis',
  'hardship-proof',
  'termination-consent',
  'bank-account',
  'execution-report',
] as const;

/** A complete package whose six documents are served by `docs` (names prefixed by the packageId). */
export function makePackage(
  docs: DocumentServer,
  packageId: string,
  overrides: Partial<InsurerPackage> = {},
): InsurerPackage {
  const documents = DOCUMENT_TYPES.map((type) => {
    const { url, sha256 } = docs.put(
      `${packageId}-${type}.pdf`,
      Buffer.from(`%PDF-1.7 ${type} ${packageId}`),
    );
    return { type, sha256, url };
  });
  return {
    packageId,
    applicationId: `app_${packageId}`,
    campaignId: '2018-livelihood',
    caseNumber: '(2018)京0105执1234号',
    category: 'labor-remuneration',
    reliefAmountFen: 3_500_000,
    applicant: { name: '张三', idType: 'resident-id', idNumber: '11010519491231002X' },
    bankAccount: {
      bankName: '中国工商银行北京朝阳支行',
      holderName: '张三',
      holderIdNumber: '11010519491231002X',
      accountNumber: '6222 0212 3456 7890',
    },
    approvals: [
      { level: 'basic', courtCode: 'BJ0105', decision: 'approve', decidedAt: '2018-12-22T10:00:00+08:00' },
      {
        level: 'intermediate',
        courtCode: 'BJ03',
        decision: 'approve',
        decidedAt: '2018-12-23T10:00:00+08:00',
      },
      { level: 'high', courtCode: 'BJ', decision: 'approve', decidedAt: '2018-12-24T10:00:00+08:00' },
    ],
    documents,
    ...overrides,
  };
}

/** POSTs a package the way the system does: the exact signed bytes, `Relief-Signature` header. */
export async function postPackage(
  packagesUrl: string,
  body: unknown,
  opts: {
    secret?: string | string[];
    signedAt?: number;
    header?: string | null;
    signal?: AbortSignal;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const header =
    opts.header === undefined
      ? signPayload(raw, opts.secret ?? PACKAGE_SECRET, opts.signedAt ?? nowSeconds())
      : opts.header;
  const res = await fetch(packagesUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(header === null ? {} : { [SIGNATURE_HEADER]: header }),
      ...(opts.headers ?? {}),
    },
    body: raw,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
