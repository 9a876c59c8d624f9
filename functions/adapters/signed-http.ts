import type { HttpResponse } from '@smithy/protocol-http';

/**
 * What the thin clients (s3/client.ts, lambda/invoke.ts) share: both sign with the SDK's SigV4 signer and
 * send with its Node HTTP handler, and retry as the SDK's standard mode does.
 */

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Transient statuses the SDK's standard retry strategy retries. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
/** Network errors it retries. */
export const RETRY_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/** A service's regional host: `<service>.<region>.amazonaws.com`, `.amazonaws.com.cn` in the China regions. */
export const regionalHost = (service: string, region: string) =>
  `${service}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;

/** A response body read whole as UTF-8 ('' when there is none). */
export async function readText(body: HttpResponse['body'] | unknown): Promise<string> {
  if (!body || typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !== 'function') return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
