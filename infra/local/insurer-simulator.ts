import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import {
  assertSecrets,
  SIGNATURE_HEADER,
  signPayload,
  verifySignature,
} from '../../functions/lib/webhook-signature.ts';

/** The package's correlation id (functions/lib/correlation.ts), echoed on the webhooks about it. */
const CORRELATION_HEADER = 'relief-correlation-id';

/**
 * The local stand-in for the insurer, PICC (中国人民财产保险股份有限公司). Local mode only: it never
 * exists in a deployment (api-contract.md, "Local mode only").
 *
 * It behaves as the contract expects the real insurer to (api-contract.md, "Insurer"):
 * - `POST {url}/packages` takes a disbursement package signed with `Relief-Signature` (the system's
 *   own outbound secret, verified with `packageSecrets`): 401 for a bad or missing signature, 400 for
 *   malformed JSON or a package of the wrong shape, 202 `{ received: true, packageId }` for a new
 *   package, 200 `{ received: true, packageId, duplicate: true }` for a packageId it already has
 *   (never paid twice), 413 over 1 MiB.
 * - In the background (核准 then 发放) it downloads every document URL (the presigned GETs) and checks
 *   its sha256: a mismatch declines with `DOCUMENT_CHECKSUM_MISMATCH`, a document it cannot download
 *   (non-2xx after retries, network error, over 25 MiB) with `DOCUMENT_UNAVAILABLE`. Otherwise, after
 *   `payDelayMs`, it declines with `ACCOUNT_REJECTED` (账户异常) when `declineRule(pkg)` holds (by
 *   default: the account number ends in 0000), else pays: `payout.succeeded` with
 *   `amountFen = reliefAmountFen`, `paidAt` and a `transactionRef` `PICC<yyyymmdd><10 digits>`.
 * - The webhook body is `{ id, type, packageId, amountFen?, paidAt?, transactionRef?, reason? }`,
 *   signed with `webhookSecret`, re-signed with a fresh timestamp on every attempt, with the same
 *   event id and bytes. Retried with backoff (200 ms, 400 ms, … 6 tries by default) on network errors,
 *   5xx, 409 and 429; any other 4xx stops the retries (logged).
 *
 * Outage modes for tests: `setMode('down')` answers 503 to packages (nothing recorded);
 * `setMode('slow', { delayMs })` waits before handling a package (and still handles it if the client
 * gave up meanwhile, as a real server would). Modes do not affect webhooks already under way.
 *
 * Logs carry ids, statuses and reasons only: never names, ID numbers or account numbers.
 */

export const DEFAULT_PAY_DELAY_MS = 1_500;
export const DEFAULT_SLOW_DELAY_MS = 5_000;
const MAX_PACKAGE_BYTES = 1024 * 1024;
const MAX_DOCUMENT_BYTES = 25 * 1024 * 1024;
const DOWNLOAD_ATTEMPTS = 3;
const DOWNLOAD_TIMEOUT_MS = 30_000;
const WEBHOOK_TIMEOUT_MS = 10_000;

const NonEmpty = z.string().min(1).max(256);
const HttpUrl = z.url({ protocol: /^https?$/ });

/** The package as the contract names it; fields it does not name are kept (z.looseObject). */
export const InsurerPackageSchema = z.looseObject({
  packageId: NonEmpty,
  applicationId: NonEmpty,
  campaignId: NonEmpty,
  caseNumber: NonEmpty,
  category: NonEmpty,
  reliefAmountFen: z.int().positive().max(Number.MAX_SAFE_INTEGER),
  applicant: z.looseObject({ name: NonEmpty, idNumber: NonEmpty }),
  bankAccount: z.looseObject({
    bankName: NonEmpty,
    holderName: NonEmpty,
    holderIdNumber: NonEmpty,
    accountNumber: NonEmpty,
  }),
  approvals: z.array(z.unknown()),
  documents: z.array(
    z.looseObject({
      type: NonEmpty,
      sha256: z.string().regex(/^[0-9a-fA-F]{64}$/),
      url: HttpUrl,
    }),
  ),
});

export type InsurerPackage = z.infer<typeof InsurerPackageSchema>;

export type PayoutDeclineReason = 'DOCUMENT_CHECKSUM_MISMATCH' | 'DOCUMENT_UNAVAILABLE' | 'ACCOUNT_REJECTED';

/** The webhook body (api-contract.md, "Insurer"). */
export type PayoutWebhook =
  | {
      id: string;
      type: 'payout.succeeded';
      packageId: string;
      amountFen: number;
      paidAt: string;
      transactionRef: string;
    }
  | { id: string; type: 'payout.declined'; packageId: string; reason: PayoutDeclineReason };

export interface ReceivedPackage {
  packageId: string;
  package: InsurerPackage;
  /** True when this packageId had already been received: answered 200 and not processed again. */
  duplicate: boolean;
  receivedAt: string;
  /** The `t` of the package's signature. */
  signedAt: number;
  /** The package POST's `Relief-Correlation-Id`, echoed on every webhook about this package. */
  correlationId?: string;
}

export interface WebhookAttempt {
  at: string;
  /** The endpoint's status, absent when the request failed (`error`). */
  status?: number;
  error?: string;
}

export interface SentWebhook {
  id: string;
  type: PayoutWebhook['type'];
  packageId: string;
  body: PayoutWebhook;
  /** The exact bytes sent on every attempt. */
  rawBody: string;
  attempts: WebhookAttempt[];
  /** An attempt got a 2xx. */
  delivered: boolean;
  /** Retries ended without a 2xx (a final 4xx, or attempts exhausted). */
  gaveUp: boolean;
  /** Sent as `Relief-Correlation-Id`: the correlation id its package came with. */
  correlationId?: string;
}

export type InsurerSimulatorMode = 'normal' | 'down' | 'slow';

export interface InsurerSimulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Verifies incoming packages: the system's own outbound secret(s), current first. At least 16 bytes each. */
  packageSecrets: string[];
  /** Signs the webhooks this simulator sends. At least 16 bytes. */
  webhookSecret: string;
  /** Where payout webhooks go, e.g. `http://127.0.0.1:3000/insurer/webhooks`; may be set later with setWebhookUrl. */
  webhookUrl?: string;
  /** The wait between a package's document check and its payout decision. */
  payDelayMs?: number;
  /** True → `payout.declined` with ACCOUNT_REJECTED. Default: the account number ends in 0000 (spaces ignored). */
  declineRule?: (pkg: InsurerPackage) => boolean;
  /** The amount a `payout.succeeded` reports. Default: the package's reliefAmountFen (override to test AMOUNT_MISMATCH). */
  payoutAmountFen?: (pkg: InsurerPackage) => number;
  /** Downloads the documents. Default: the global fetch. */
  fetchDocument?: typeof fetch;
  /** Webhook retries: `attempts` tries in all (default 6), waiting initialDelayMs × 2ⁿ between them (default 200). */
  webhookRetry?: { attempts?: number; initialDelayMs?: number };
  /** The insurer's clock (signature timestamps, paidAt, transactionRef date). Default: the real clock. */
  now?: () => Date;
  /** One structured entry per event; `level: 'error'` for failures. Never personal data. */
  log?: (entry: Record<string, unknown>) => void;
}

export interface InsurerSimulator {
  /** The base URL; packages are POSTed to `${url}/packages`. */
  url: string;
  /** `${url}/packages`. */
  packagesUrl: string;
  port: number;
  setWebhookUrl(url: string): void;
  /** Every package answered 200/202, in arrival order (duplicates included, flagged). */
  received(): ReceivedPackage[];
  /** Every webhook event it created, in creation order, with its delivery attempts so far. */
  webhooks(): SentWebhook[];
  /**
   * Calls `listener` with each webhook (a copy, as webhooks() gives) when an attempt is answered 2xx, so
   * a waiter need not copy every webhook so far on each look (webhooks() does). Returns unsubscribe.
   */
  onDelivered(listener: (webhook: SentWebhook) => void): () => void;
  /** Resolves once no background work (document checks, payout delays, webhook deliveries) is left. */
  settled(): Promise<void>;
  setMode(mode: InsurerSimulatorMode, opts?: { delayMs?: number }): void;
  /** Stops listening, abandons pending payouts and webhook retries, and resolves when everything has stopped. */
  close(): Promise<void>;
}

/** The default declineRule: an account number ending in 0000 is refused by the bank (账户异常). */
export function accountEndsInZeros(pkg: InsurerPackage): boolean {
  return pkg.bankAccount.accountNumber.replace(/\s/g, '').endsWith('0000');
}

/** `PICC` + the China Standard Time date + 10 random digits. */
export function transactionRefAt(date: Date): string {
  const cst = new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
  return `PICC${cst}${String(randomInt(0, 10_000_000_000)).padStart(10, '0')}`;
}

function newEventId(): string {
  return `evt_${randomBytes(12).toString('hex')}`;
}

class ResponseSent extends Error {}

export async function startInsurerSimulator(options: InsurerSimulatorOptions): Promise<InsurerSimulator> {
  const host = options.host ?? '127.0.0.1';
  const packageSecrets = options.packageSecrets;
  const webhookSecret = options.webhookSecret;
  // Fail at start, not at the first package (WebhookSecretError for an unusable secret).
  assertSecrets(packageSecrets);
  assertSecrets([webhookSecret]);

  const payDelayMs = options.payDelayMs ?? DEFAULT_PAY_DELAY_MS;
  const declineRule = options.declineRule ?? accountEndsInZeros;
  const payoutAmountFen = options.payoutAmountFen ?? ((pkg: InsurerPackage) => pkg.reliefAmountFen);
  const fetchDocument = options.fetchDocument ?? fetch;
  const maxAttempts = options.webhookRetry?.attempts ?? 6;
  const initialDelayMs = options.webhookRetry?.initialDelayMs ?? 200;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError('webhookRetry.attempts must be ≥ 1');

  let webhookUrl = options.webhookUrl;
  let mode: InsurerSimulatorMode = 'normal';
  let slowDelayMs = DEFAULT_SLOW_DELAY_MS;
  const received: ReceivedPackage[] = [];
  const known = new Set<string>();
  const sent: SentWebhook[] = [];
  const deliveredListeners = new Set<(webhook: SentWebhook) => void>();
  const copyOf = (w: SentWebhook): SentWebhook => ({ ...w, attempts: w.attempts.map((a) => ({ ...a })) });
  const correlations = new Map<string, string>();
  const jobs = new Set<Promise<void>>();
  const stop = new AbortController();

  function track(work: () => Promise<void>, context: Record<string, unknown>): void {
    const job = work()
      .catch((error: unknown) => {
        if (stop.signal.aborted) {
          log({ msg: 'abandoned at close', ...context });
          return;
        }
        log({
          level: 'error',
          msg: 'insurer simulator failure',
          ...context,
          error: (error as Error).message,
        });
      })
      .finally(() => jobs.delete(job));
    jobs.add(job);
  }

  // ---- documents (核准) -------------------------------------------------------------------------

  type DocumentCheck = 'OK' | 'DOCUMENT_CHECKSUM_MISMATCH' | 'DOCUMENT_UNAVAILABLE';

  async function downloadSha256(url: string): Promise<string | undefined> {
    for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
      let retryable = true;
      try {
        const res = await fetchDocument(url, {
          signal: AbortSignal.any([stop.signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)]),
        });
        if (res.ok) {
          const hash = createHash('sha256');
          let size = 0;
          if (res.body) {
            for await (const chunk of res.body) {
              size += chunk.byteLength;
              if (size > MAX_DOCUMENT_BYTES) {
                await res.body.cancel().catch(() => {});
                return undefined;
              }
              hash.update(chunk);
            }
          }
          return hash.digest('hex');
        }
        await res.body?.cancel().catch(() => {});
        retryable = res.status >= 500 || res.status === 429;
        log({ msg: 'document download refused', status: res.status, attempt });
      } catch (error) {
        if (stop.signal.aborted) throw error;
        log({ msg: 'document download failed', attempt, error: (error as Error).message });
      }
      if (!retryable) return undefined;
      if (attempt < DOWNLOAD_ATTEMPTS)
        await sleep(initialDelayMs * 2 ** (attempt - 1), undefined, { signal: stop.signal });
    }
    return undefined;
  }

  async function checkDocuments(pkg: InsurerPackage): Promise<DocumentCheck> {
    for (const doc of pkg.documents) {
      const actual = await downloadSha256(doc.url);
      if (actual === undefined) {
        log({ msg: 'document unavailable', packageId: pkg.packageId, documentType: doc.type });
        return 'DOCUMENT_UNAVAILABLE';
      }
      if (actual !== doc.sha256.toLowerCase()) {
        log({ msg: 'document checksum mismatch', packageId: pkg.packageId, documentType: doc.type });
        return 'DOCUMENT_CHECKSUM_MISMATCH';
      }
    }
    return 'OK';
  }

  // ---- webhooks --------------------------------------------------------------------------------

  async function deliver(webhook: SentWebhook): Promise<void> {
    const context = { eventId: webhook.id, packageId: webhook.packageId, type: webhook.type };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const record: WebhookAttempt = { at: now().toISOString() };
      webhook.attempts.push(record);
      const target = webhookUrl;
      if (!target) {
        record.error = 'no webhook URL set';
      } else {
        try {
          const signature = signPayload(webhook.rawBody, webhookSecret, Math.floor(now().getTime() / 1000));
          const res = await fetch(target, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              [SIGNATURE_HEADER]: signature,
              ...(webhook.correlationId ? { [CORRELATION_HEADER]: webhook.correlationId } : {}),
            },
            body: webhook.rawBody,
            redirect: 'manual',
            signal: AbortSignal.any([stop.signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
          });
          await res.body?.cancel().catch(() => {});
          record.status = res.status;
          if (res.ok) {
            webhook.delivered = true;
            log({ msg: 'webhook delivered', ...context, attempt, status: res.status });
            for (const listener of [...deliveredListeners]) {
              try {
                listener(copyOf(webhook));
              } catch (error) {
                process.emitWarning(`insurer onDelivered listener threw: ${(error as Error).message}`);
              }
            }
            return;
          }
          if (res.status >= 400 && res.status < 500 && res.status !== 409 && res.status !== 429) {
            webhook.gaveUp = true;
            log({
              level: 'error',
              msg: 'webhook refused, not retrying',
              ...context,
              attempt,
              status: res.status,
            });
            return;
          }
        } catch (error) {
          if (stop.signal.aborted) throw error;
          record.error = (error as Error).message;
        }
      }
      log({ msg: 'webhook attempt failed', ...context, attempt, status: record.status, error: record.error });
      if (attempt < maxAttempts)
        await sleep(initialDelayMs * 2 ** (attempt - 1), undefined, { signal: stop.signal });
    }
    webhook.gaveUp = true;
    log({
      level: 'error',
      msg: 'webhook not delivered, attempts exhausted',
      ...context,
      attempts: maxAttempts,
    });
  }

  function emit(body: PayoutWebhook): Promise<void> {
    const rawBody = JSON.stringify(body);
    const webhook: SentWebhook = {
      id: body.id,
      type: body.type,
      packageId: body.packageId,
      body,
      rawBody,
      attempts: [],
      delivered: false,
      gaveUp: false,
      ...(correlations.has(body.packageId) ? { correlationId: correlations.get(body.packageId) } : {}),
    };
    sent.push(webhook);
    return deliver(webhook);
  }

  async function processPackage(pkg: InsurerPackage): Promise<void> {
    const { packageId } = pkg;
    const documents = await checkDocuments(pkg);
    if (documents !== 'OK') {
      await emit({ id: newEventId(), type: 'payout.declined', packageId, reason: documents });
      return;
    }
    await sleep(payDelayMs, undefined, { signal: stop.signal });
    if (declineRule(pkg)) {
      log({ msg: 'payout declined', packageId, reason: 'ACCOUNT_REJECTED' });
      await emit({ id: newEventId(), type: 'payout.declined', packageId, reason: 'ACCOUNT_REJECTED' });
      return;
    }
    const paidAt = now();
    log({ msg: 'payout made', packageId });
    await emit({
      id: newEventId(),
      type: 'payout.succeeded',
      packageId,
      amountFen: payoutAmountFen(pkg),
      paidAt: paidAt.toISOString(),
      transactionRef: transactionRefAt(paidAt),
    });
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  function reply(
    res: ServerResponse,
    status: number,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): void {
    const problem = status >= 400;
    res.writeHead(status, {
      'content-type': problem ? 'application/problem+json' : 'application/json',
      ...headers,
    });
    res.end(JSON.stringify(problem ? { type: 'about:blank', status, ...body } : body));
  }

  async function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_PACKAGE_BYTES) {
        reply(
          res,
          413,
          { title: 'Payload Too Large', code: 'PAYLOAD_TOO_LARGE', detail: 'a package is at most 1 MiB' },
          { connection: 'close' },
        );
        req.destroy();
        throw new ResponseSent();
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  async function receivePackage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivalMode = mode;
    const delayMs = slowDelayMs;
    const raw = await readBody(req, res);
    if (arrivalMode === 'down') {
      reply(
        res,
        503,
        {
          title: 'Service Unavailable',
          code: 'INSURER_UNAVAILABLE',
          detail: 'the insurer is down (simulated)',
        },
        { 'retry-after': '1' },
      );
      return;
    }
    if (arrivalMode === 'slow') {
      try {
        await sleep(delayMs, undefined, { signal: stop.signal });
      } catch {
        reply(res, 503, {
          title: 'Service Unavailable',
          code: 'INSURER_UNAVAILABLE',
          detail: 'shutting down',
        });
        return;
      }
    }
    const header = req.headers[SIGNATURE_HEADER.toLowerCase()];
    const verification = verifySignature(
      typeof header === 'string' ? header : undefined,
      raw,
      packageSecrets,
      Math.floor(now().getTime() / 1000),
    );
    if (!verification.ok) {
      log({ msg: 'package refused', status: 401, reason: verification.reason });
      reply(res, 401, {
        title: 'Unauthorized',
        code: 'INVALID_SIGNATURE',
        detail: `Relief-Signature refused: ${verification.reason}`,
      });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      reply(res, 400, { title: 'Bad Request', code: 'MALFORMED_JSON', detail: 'the body is not JSON' });
      return;
    }
    const parsed = InsurerPackageSchema.safeParse(json);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        code: 'INVALID_FIELD',
        path: issue.path.join('.'),
        message: issue.message,
      }));
      log({ msg: 'package refused', status: 400, paths: errors.map((e) => e.path) });
      reply(res, 400, {
        title: 'Bad Request',
        code: 'INVALID_PACKAGE',
        detail: 'the package is malformed',
        errors,
      });
      return;
    }
    const pkg = parsed.data;
    const duplicate = known.has(pkg.packageId);
    const correlationHeader = req.headers[CORRELATION_HEADER];
    const correlationId = typeof correlationHeader === 'string' ? correlationHeader : undefined;
    received.push({
      packageId: pkg.packageId,
      package: pkg,
      duplicate,
      receivedAt: now().toISOString(),
      signedAt: verification.timestamp,
      ...(correlationId ? { correlationId } : {}),
    });
    if (correlationId && !duplicate) correlations.set(pkg.packageId, correlationId);
    if (duplicate) {
      log({ msg: 'duplicate package', packageId: pkg.packageId, status: 200 });
      reply(res, 200, { received: true, packageId: pkg.packageId, duplicate: true });
      return;
    }
    known.add(pkg.packageId);
    log({ msg: 'package received', packageId: pkg.packageId, status: 202 });
    reply(res, 202, { received: true, packageId: pkg.packageId });
    track(() => processPackage(pkg), { packageId: pkg.packageId });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://insurer.local').pathname;
    if (path === '/health' && req.method === 'GET') {
      reply(res, 200, { ok: true, mode });
      return;
    }
    if (path !== '/packages') {
      req.resume();
      reply(res, 404, { title: 'Not Found', code: 'NOT_FOUND', detail: 'packages go to POST /packages' });
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      reply(res, 405, { title: 'Method Not Allowed', code: 'METHOD_NOT_ALLOWED' }, { allow: 'POST' });
      return;
    }
    await receivePackage(req, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof ResponseSent) return;
      log({ level: 'error', msg: 'insurer simulator request failure', error: (error as Error).message });
      if (!res.headersSent && !res.destroyed) {
        reply(res, 500, { title: 'Internal Server Error', code: 'INTERNAL_ERROR' });
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    packagesUrl: `${url}/packages`,
    port,
    setWebhookUrl(next: string) {
      webhookUrl = next;
    },
    received: () => received.map((r) => ({ ...r })),
    webhooks: () => sent.map(copyOf),
    onDelivered(listener) {
      deliveredListeners.add(listener);
      return () => {
        deliveredListeners.delete(listener);
      };
    },
    async settled() {
      while (jobs.size > 0) await Promise.allSettled([...jobs]);
    },
    setMode(next: InsurerSimulatorMode, opts: { delayMs?: number } = {}) {
      mode = next;
      if (next === 'slow') slowDelayMs = opts.delayMs ?? DEFAULT_SLOW_DELAY_MS;
    },
    close() {
      closed ??= (async () => {
        stop.abort();
        const serverClosed = new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
        server.closeIdleConnections();
        const cut = setTimeout(() => server.closeAllConnections(), 1_000);
        cut.unref();
        while (jobs.size > 0) await Promise.allSettled([...jobs]);
        await serverClosed;
        clearTimeout(cut);
      })();
      return closed;
    },
  };
}
