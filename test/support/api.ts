import { createHash } from 'node:crypto';
import { inject } from 'vitest';
import { DOCUMENT_TYPES } from '../../functions/ports/applications.ts';

/** A small HTTP client for the e2e tier: real requests against the local runner. */
export const baseUrl = () => inject('baseUrl');

// biome-ignore lint/suspicious/noExplicitAny: e2e tests assert response bodies field by field
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

// biome-ignore lint/suspicious/noExplicitAny: see ApiResponse
export async function api<T = any>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl()}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  const ct = res.headers.get('content-type') ?? '';
  if (ct.includes('json') && text) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T };
}

export async function token(
  court: string,
  roles: string[],
  sub = `${court.toLowerCase()}-${roles.join('-')}`,
) {
  const res = await api<{ token: string }>('POST', '/dev/tokens', { body: { sub, court, roles } });
  if (res.status !== 201) throw new Error(`token mint failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Waits until `probe` returns a truthy value (bounded; for asynchronous S3 events). */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  tries = 100,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Uploads one small PDF per required document type and waits until all are `uploaded`. */
export async function uploadAllDocuments(applicationId: string, clerkToken: string) {
  for (const type of DOCUMENT_TYPES) {
    const scan = Buffer.from(`%PDF-1.4\n% ${type} for ${applicationId}\n%%EOF\n`);
    const res = await api('POST', `/applications/${applicationId}/documents`, {
      token: clerkToken,
      body: { type, contentType: 'application/pdf', sizeBytes: scan.length, sha256: sha256Hex(scan) },
    });
    if (res.status !== 201)
      throw new Error(`upload request failed: ${res.status} ${JSON.stringify(res.body)}`);
    const put = await fetch(res.body.upload.url, {
      method: 'PUT',
      headers: res.body.upload.headers,
      body: scan,
    });
    if (put.status !== 200) throw new Error(`upload failed: ${put.status}`);
  }
  await eventually(async () => {
    const list = await api('GET', `/applications/${applicationId}/documents`, { token: clerkToken });
    return (
      list.body.items.filter((d: { status: string }) => d.status === 'uploaded').length >=
      DOCUMENT_TYPES.length
    );
  }, 'all documents uploaded');
}
