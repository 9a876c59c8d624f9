import { createHash } from 'node:crypto';

/** A small HTTP client for the benchmarks (the pattern of test/support/api.ts, without vitest). */

// biome-ignore lint/suspicious/noExplicitAny: benchmark code reads response bodies field by field
export type Json = any;

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Json;
}

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

export const DOCUMENT_TYPES = [
  'identity',
  'enforcement-basis',
  'hardship-proof',
  'termination-consent',
  'bank-account',
  'execution-report',
] as const;

export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: Json,
  ) {
    super(`${message}: ${status} ${typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body)}`);
    this.name = 'ApiError';
  }
}

export class Api {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    const ct = res.headers.get('content-type') ?? '';
    if (ct.includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed };
  }

  /** The request, or ApiError unless the status is one of `expected`. */
  async expect(
    expected: number | number[],
    method: string,
    path: string,
    opts: Parameters<Api['request']>[2] = {},
  ): Promise<ApiResponse> {
    const res = await this.request(method, path, opts);
    const ok = Array.isArray(expected) ? expected.includes(res.status) : res.status === expected;
    if (!ok) throw new ApiError(`${method} ${path}`, res.status, res.body);
    return res;
  }

  /** A local JWT for `sub` at `court` with `roles` (POST /dev/tokens), cached. */
  token(court: string, roles: string[], sub = `${court.toLowerCase()}-${roles.join('-')}`): Promise<string> {
    const key = `${sub}|${court}|${roles.join(',')}`;
    let t = this.tokens.get(key);
    if (!t) {
      t = this.expect(201, 'POST', '/dev/tokens', { body: { sub, court, roles } }).then(
        (r) => r.body.token as string,
      );
      t.catch(() => this.tokens.delete(key));
      this.tokens.set(key, t);
    }
    return t;
  }

  clerk(court: string) {
    return this.token(court, ['clerk'], `bench-clerk-${court}`);
  }

  approver(court: string) {
    return this.token(court, ['approver'], `bench-approver-${court}`);
  }

  spc() {
    return this.token('SPC', ['spc-admin'], 'bench-spc');
  }
}

/** A small PDF that is unique per application and type. */
export function scanFor(applicationId: string, type: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${type} for ${applicationId}\n%%EOF\n`);
}

/** The scans of `types` for an application and the document-batches body that grants them, in order. */
export function batchGrantBody(applicationId: string, types: readonly DocumentType[]) {
  const scans = types.map((type) => scanFor(applicationId, type));
  const documents = types.map((type, i) => ({
    type,
    contentType: 'application/pdf',
    sizeBytes: scans[i]?.length,
    sha256: sha256Hex(scans[i] as Buffer),
  }));
  return { scans, body: { documents } };
}

/** Requests the uploads of several documents in one grant (document-batches) and PUTs each one's bytes. */
export async function uploadDocuments(
  api: Api,
  applicationId: string,
  token: string,
  types: readonly DocumentType[],
): Promise<string[]> {
  const { scans, body } = batchGrantBody(applicationId, types);
  const res = await api.expect(201, 'POST', `/applications/${applicationId}/document-batches`, {
    token,
    body,
  });
  const granted = res.body.documents as { documentId: string; upload: { url: string } }[];
  await Promise.all(granted.map((d, i) => putScan(d.upload, scans[i] as Buffer)));
  return granted.map((d) => d.documentId);
}

/** Counts of transient failures the driver retried (a real S3 client retries them too). */
export const transientRetries = { s3Put: 0 };

/** PUTs the bytes to a presigned URL; a 5xx or a dropped connection is retried (up to 3 tries). */
export async function putScan(upload: { url: string; headers?: Record<string, string> }, scan: Buffer) {
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    let text = '';
    try {
      const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers ?? {}, body: scan });
      status = put.status;
      text = await put.text();
      if (status === 200) return;
    } catch (error) {
      text = (error as Error).message;
    }
    if ((status !== 0 && status < 500) || attempt >= 3)
      throw new ApiError('PUT presigned upload', status, text);
    transientRetries.s3Put++;
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
}
