import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC signatures for the insurer integration (保险公司对接): the webhooks the insurer sends us and
 * the packages we send the insurer are signed the same way (api-contract.md, "Insurer"):
 *
 *   Relief-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=<hex>…]
 *
 * Several `v1=` entries are allowed so that a secret can be rotated without downtime: the sender
 * signs with every secret it holds, the receiver accepts any of its current and previous secrets.
 *
 * Parsing is strict, with two documented tolerances:
 * - optional spaces or tabs around each comma-separated element (`t=1, v1=…`) are accepted. HTTP
 *   intermediaries (Node, API Gateway) join a repeated header with ", ", so this is what a repeated
 *   header looks like, and such a header then fails as MALFORMED because of its duplicate `t`;
 *   whitespace inside an element (`t = 1`) is MALFORMED.
 * - `v1` hex digits may be upper or lower case (the signer emits lower case); they are compared as
 *   the 32 decoded bytes.
 * Elements with another key (`v0=…`, a future `v2=…`) are ignored, but at least one `v1` is needed.
 *
 * The timestamp covers the HMAC exactly as sent (leading zeros included). The signature is checked
 * before the timestamp, so STALE and FUTURE are only ever reported for authentic headers (a replay
 * or a skewed clock); a forged header is always MISMATCH or MALFORMED.
 *
 * node:crypto only: this module runs in Lambda and in the local simulator.
 */

export const SIGNATURE_HEADER = 'Relief-Signature';
/** A timestamp further than this from the receiver's clock (either way) is refused. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** Secrets shorter than this (in UTF-8 bytes) are refused at configuration. */
export const MIN_SECRET_BYTES = 16;
/** Longer headers are MALFORMED without further parsing. */
export const MAX_HEADER_LENGTH = 4096;

export type SignatureFailureReason = 'MISSING' | 'MALFORMED' | 'STALE' | 'FUTURE' | 'MISMATCH';

export type SignatureVerification =
  | { ok: true; timestamp: number }
  | { ok: false; reason: SignatureFailureReason };

/** A secret configuration that can never verify anything safely (empty, too short). Never carries the secret. */
export class WebhookSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSecretError';
  }
}

const DIGITS = /^[0-9]{1,15}$/; // 15 digits stay exact as a JS number
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const KEY = /^[A-Za-z0-9_-]+$/;
const ELEMENT_PADDING = /^[ \t]+|[ \t]+$/g;

/**
 * Splits a comma-separated secret setting (e.g. `INSURER_WEBHOOK_SECRET="new,old"`) into secrets,
 * trimming each. Throws WebhookSecretError for an empty value, an empty entry or a secret shorter
 * than MIN_SECRET_BYTES. Call it once at cold start.
 */
export function parseSecrets(value: string): string[] {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WebhookSecretError('no webhook secret configured');
  }
  const secrets = value.split(',').map((s) => s.trim());
  secrets.forEach((secret, index) => {
    if (secret === '') throw new WebhookSecretError(`webhook secret #${index + 1} is empty`);
  });
  assertSecrets(secrets);
  return secrets;
}

/**
 * Throws WebhookSecretError unless `secrets` is a non-empty list of strings of at least
 * MIN_SECRET_BYTES each (for secrets that come from elsewhere than parseSecrets).
 */
export function assertSecrets(secrets: readonly string[]): void {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new WebhookSecretError('at least one webhook secret is required');
  }
  secrets.forEach((secret, index) => {
    if (typeof secret !== 'string' || Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
      throw new WebhookSecretError(`webhook secret #${index + 1} is shorter than ${MIN_SECRET_BYTES} bytes`);
    }
  });
}

function bodyBytes(rawBody: string | Buffer): Buffer {
  return typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
}

function hmac(secret: string, timestamp: string, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest();
}

/**
 * The `Relief-Signature` header value for `rawBody` at `nowSeconds` (integer unix seconds): one
 * `v1` per secret, in the order given. Send exactly the bytes that were signed.
 */
export function signPayload(
  rawBody: string | Buffer,
  secrets: string | string[],
  nowSeconds: number,
): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  assertSecrets(list);
  if (!Number.isSafeInteger(nowSeconds) || nowSeconds < 0) {
    throw new RangeError('nowSeconds must be a non-negative integer number of unix seconds');
  }
  const t = String(nowSeconds);
  const body = bodyBytes(rawBody);
  return [`t=${t}`, ...list.map((secret) => `v1=${hmac(secret, t, body).toString('hex')}`)].join(',');
}

type ParsedHeader = { timestamp: string; signatures: Buffer[] };

function parseHeader(header: string): ParsedHeader | undefined {
  if (header.length > MAX_HEADER_LENGTH) return undefined;
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const raw of header.split(',')) {
    const element = raw.replace(ELEMENT_PADDING, '');
    const eq = element.indexOf('=');
    if (eq <= 0) return undefined;
    const key = element.slice(0, eq);
    const value = element.slice(eq + 1);
    if (!KEY.test(key) || value === '') return undefined;
    if (key === 't') {
      if (timestamp !== undefined || !DIGITS.test(value)) return undefined;
      timestamp = value;
    } else if (key === 'v1') {
      if (!HEX_SHA256.test(value)) return undefined;
      signatures.push(Buffer.from(value, 'hex'));
    }
    // any other scheme (v0, a future v2, …) is ignored
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

/**
 * Verifies a `Relief-Signature` header against the raw body bytes exactly as received, with the
 * receiver's current and previous secrets. Never throws for anything in the header or body; throws
 * WebhookSecretError for an unusable secret list and RangeError for a non-finite clock or tolerance.
 *
 * Every `v1` is compared with the HMAC of every secret using crypto.timingSafeEqual on 32-byte
 * buffers, with no early exit, so the time taken does not depend on which one matched.
 */
export function verifySignature(
  header: string | undefined,
  rawBody: string | Buffer,
  secrets: string[],
  nowSeconds: number,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): SignatureVerification {
  assertSecrets(secrets);
  if (!Number.isFinite(nowSeconds)) throw new RangeError('nowSeconds must be a finite number');
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new RangeError('toleranceSeconds must be a non-negative finite number');
  }
  if (typeof header !== 'string' || header.trim() === '') return { ok: false, reason: 'MISSING' };
  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: 'MALFORMED' };

  const body = bodyBytes(rawBody);
  const expected = secrets.map((secret) => hmac(secret, parsed.timestamp, body));
  let matched = false;
  for (const candidate of parsed.signatures) {
    for (const digest of expected) {
      // both are 32 bytes: the header's hex was checked to be 64 digits
      if (timingSafeEqual(candidate, digest)) matched = true;
    }
  }
  if (!matched) return { ok: false, reason: 'MISMATCH' };

  const timestamp = Number(parsed.timestamp);
  if (nowSeconds - timestamp > toleranceSeconds) return { ok: false, reason: 'STALE' };
  if (timestamp - nowSeconds > toleranceSeconds) return { ok: false, reason: 'FUTURE' };
  return { ok: true, timestamp };
}
