/**
 * A small client of the relief HTTP API (api-contract.md): bearer token, JSON in, JSON or bytes out,
 * problem+json turned into `HttpError`, unreachable servers and timeouts into `ServerError`. Throttled
 * or briefly unavailable calls (429, 502, 503, 504) are retried with the pauses in `io.retryDelaysMs`;
 * only use `retry` for calls that are safe to repeat.
 */
import { HttpError, type Problem, ServerError, UsageError } from './errors.ts';
import type { Io } from './io.ts';

export const DEFAULT_API = 'http://127.0.0.1:3000';

const RETRYABLE = new Set([429, 502, 503, 504]);

export interface RequestOptions {
  body?: unknown;
  /** A body sent as these exact bytes with this content type (instead of `body` as JSON). */
  raw?: { contentType: string; bytes: Uint8Array };
  accept?: string;
  /** Send the bearer token (default true). */
  auth?: boolean;
  /** Retry 429/502/503/504 (default false; set only for calls that are safe to repeat). */
  retry?: boolean;
  /** Extra request headers (e.g. Idempotency-Key). */
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  contentType: string;
  bytes: Buffer;
}

/** Normalises and checks an API base URL: http(s), no trailing slash. */
export function parseApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--api: not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--api: expected an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  return url.href.replace(/\/+$/, '');
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly io: Io,
  ) {}

  /** Throws UsageError (exit 2) when no token was given: call before the first request of a run. */
  requireToken(): void {
    if (!this.token) {
      throw new UsageError('no token: pass --token or set RELIEF_TOKEN (locally: relief token --court …)');
    }
  }

  /** Any 2xx answer; anything else throws HttpError (or ServerError when the server cannot be reached). */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { ...opts.headers, accept: opts.accept ?? 'application/json' };
    if (opts.auth !== false) {
      this.requireToken();
      headers.authorization = `Bearer ${this.token}`;
    }
    let body: string | Uint8Array | undefined;
    if (opts.raw) {
      body = opts.raw.bytes;
      headers['content-type'] = opts.raw.contentType;
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const delays = opts.retry ? this.io.retryDelaysMs : [];
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      let bytes: Buffer;
      try {
        res = await this.io.fetch(url, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(this.io.timeoutMs),
        });
        bytes = Buffer.from(await res.arrayBuffer());
      } catch (err) {
        throw new ServerError(
          `cannot reach the API at ${this.baseUrl} (${method} ${path}): ${describe(err)}`,
        );
      }
      const delay = delays[attempt];
      if (RETRYABLE.has(res.status) && delay !== undefined) {
        const retryAfter = Number(res.headers.get('retry-after'));
        const pause =
          Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 60_000) : delay;
        await new Promise((resolve) => setTimeout(resolve, pause));
        continue;
      }
      const contentType = res.headers.get('content-type') ?? '';
      if (res.status < 200 || res.status > 299) {
        throw new HttpError(
          method,
          url,
          res.status,
          parseProblem(contentType, bytes),
          bytes.toString('utf8', 0, 300),
        );
      }
      return { status: res.status, contentType, bytes };
    }
  }

  /** A 2xx JSON answer, parsed. */
  async json(method: string, path: string, opts: RequestOptions = {}): Promise<unknown> {
    const res = await this.request(method, path, opts);
    try {
      return JSON.parse(res.bytes.toString('utf8'));
    } catch {
      throw new ServerError(
        `${method} ${path}: the answer is not JSON (content-type ${res.contentType || 'none'})`,
      );
    }
  }
}

function parseProblem(contentType: string, bytes: Buffer): Problem | undefined {
  if (!contentType.includes('json')) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Problem;
  } catch {
    // not JSON after all: reported with the body text
  }
  return undefined;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}

/**
 * The lines to print for a failed call: the problem's title, code and detail, then its `errors`
 * (at most `maxErrors`); `pathLabel` may rewrite an error path (e.g. candidates.3.x → "line 5: x").
 */
export function formatHttpError(
  err: HttpError,
  maxErrors = 20,
  pathLabel?: (path: string) => string,
): string[] {
  const p = err.problem;
  const lines: string[] = [];
  if (p && (p.title || p.code || p.detail)) {
    lines.push(
      `${p.title ?? 'Error'} (${p.code ?? 'NO_CODE'}, HTTP ${err.status}) — ${err.method} ${err.url}`,
    );
    if (p.detail) lines.push(`  ${p.detail}`);
    const errors = Array.isArray(p.errors) ? p.errors : [];
    for (const e of errors.slice(0, maxErrors)) {
      const where = e.path ? (pathLabel ? pathLabel(e.path) : e.path) : '';
      lines.push(`  - ${where ? `${where}: ` : ''}${e.code ? `${e.code} ` : ''}${e.message ?? ''}`.trimEnd());
    }
    if (errors.length > maxErrors) lines.push(`  … and ${errors.length - maxErrors} more`);
  } else {
    lines.push(`HTTP ${err.status} — ${err.method} ${err.url}`);
    const text = err.bodyText.trim();
    if (text) lines.push(`  ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
  return lines;
}
