import { Hash } from '@smithy/hash-node';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest, type HttpResponse } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { backoffMs, sleep } from '../../lib/retry.ts';
import {
  type Credentials,
  RETRY_NETWORK_CODES,
  RETRY_STATUSES,
  readText,
  regionalHost,
} from '../signed-http.ts';
import { errorOf, S3Error } from './errors.ts';

/**
 * A thin S3 client for object requests: the SDK's own SigV4 signer and Node HTTP handler (both already
 * in every bundle, under the DynamoDB client), without @aws-sdk/client-s3, whose ~165 KB (schemas of
 * every S3 operation, endpoint rules, XML protocol, checksums, S3 middleware) kept the document entries
 * above 500 KB. It presigns, and sends GET/HEAD object requests with the SDK's default retry policy.
 * Bucket set-up, listings and the audit checkpoints keep the full client (adapters/s3/checkpoint-store.ts).
 */

export interface S3ClientOptions {
  region: string;
  /** Set for the local front (or any S3-compatible endpoint); path-style addressing is then used. */
  endpoint?: string;
  /** Static credentials; without them AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN (Lambda's role). */
  credentials?: Credentials;
  /** Attempts per request (default 3, as the SDK's standard retry mode). */
  maxAttempts?: number;
}

/** The object's request, unsigned: a path to sign and send, or to presign. */
export interface ObjectRequest {
  method: 'GET' | 'HEAD' | 'PUT';
  bucket: string;
  key: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export interface PresignOptions {
  expiresIn: number;
  signingDate: Date;
  /** Headers to sign that SigV4 would leave out (content-type is unsigned by default in presigned URLs). */
  signableHeaders?: Set<string>;
  /** x-amz-* headers to keep as signed headers instead of moving them into the query. */
  unhoistableHeaders?: Set<string>;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** What the SDK's standard retry strategy retries (transient statuses, throttling and timeout codes). */
const RETRY_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'TooManyRequestsException',
  'RequestTimeout',
  'RequestTimeoutException',
]);
/** The SDK's default backoff: full jitter over 100 ms × 2^attempt, at most 20 s. */
export const S3_RETRY = { attempts: 3, baseMs: 100, capMs: 20_000 } as const;

function credentialsFromEnvironment(): Credentials {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      'No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), where Lambda provides them.',
    );
  }
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** S3's URI encoding of a key: every segment encoded as RFC 3986, the slashes kept. */
const uriEscape = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A bucket name usable as a DNS label over TLS (no dots), as the SDK's endpoint rules require. */
const VIRTUAL_HOSTABLE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export class S3Http {
  readonly region: string;
  private readonly endpoint: URL | undefined;
  private readonly signer: SignatureV4;
  private readonly http = new NodeHttpHandler();
  private readonly maxAttempts: number;

  constructor(options: S3ClientOptions) {
    this.region = options.region;
    this.endpoint = options.endpoint ? new URL(options.endpoint) : undefined;
    this.maxAttempts = options.maxAttempts ?? S3_RETRY.attempts;
    const fixed = options.credentials;
    this.signer = new SignatureV4({
      credentials: async () => fixed ?? credentialsFromEnvironment(),
      region: options.region,
      service: 's3',
      sha256: Hash.bind(null, 'sha256'),
      // S3 signs the path as sent, without encoding it a second time.
      uriEscapePath: false,
      applyChecksum: false,
    });
  }

  /**
   * The request for one object: path-style on the configured endpoint, otherwise virtual-hosted on
   * `<bucket>.s3.<region>.amazonaws.com` (`.amazonaws.com.cn` in the China regions), as the SDK resolves it.
   */
  request(input: ObjectRequest): HttpRequest {
    const key = input.key.split('/').map(uriEscape).join('/');
    let protocol = 'https:';
    let hostname: string;
    let port: number | undefined;
    let path: string;
    if (this.endpoint) {
      protocol = this.endpoint.protocol;
      hostname = this.endpoint.hostname;
      port = this.endpoint.port ? Number(this.endpoint.port) : undefined;
      path = `${this.endpoint.pathname.replace(/\/$/, '')}/${input.bucket}/${key}`;
    } else {
      const domain = regionalHost('s3', this.region);
      const virtual = VIRTUAL_HOSTABLE.test(input.bucket);
      hostname = virtual ? `${input.bucket}.${domain}` : domain;
      path = virtual ? `/${key}` : `/${input.bucket}/${key}`;
    }
    return new HttpRequest({
      method: input.method,
      protocol,
      hostname,
      ...(port === undefined ? {} : { port }),
      path,
      query: { ...input.query },
      headers: { ...input.headers, host: port === undefined ? hostname : `${hostname}:${port}` },
    });
  }

  /** A presigned URL, signed as the SDK's S3 presigner signs (payload unsigned, content-type unsigned unless asked). */
  async presign(input: ObjectRequest, options: PresignOptions): Promise<string> {
    const request = this.request(input);
    request.headers['X-Amz-Content-Sha256'] = UNSIGNED_PAYLOAD;
    const signed = await this.signer.presign(request, {
      expiresIn: options.expiresIn,
      signingDate: options.signingDate,
      unsignableHeaders: new Set(['content-type']),
      ...(options.signableHeaders ? { signableHeaders: options.signableHeaders } : {}),
      ...(options.unhoistableHeaders ? { unhoistableHeaders: options.unhoistableHeaders } : {}),
    });
    return formatUrl(signed);
  }

  /**
   * Signs and sends a body-less request, retrying network errors, 5xx and throttling up to
   * `maxAttempts` times with jittered backoff. A 2xx answer is returned with its body unread (the
   * caller reads or drops it); any other answer is read and thrown as an S3Error.
   */
  async send(input: ObjectRequest & { method: 'GET' | 'HEAD' }): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      let error: unknown;
      try {
        const request = this.request(input);
        request.headers['x-amz-content-sha256'] = EMPTY_SHA256;
        const signed = (await this.signer.sign(request)) as HttpRequest;
        const { response } = await this.http.handle(signed);
        if (response.statusCode >= 200 && response.statusCode < 300) return response;
        const text = await readText(response.body);
        const requestId = response.headers['x-amz-request-id'];
        error = errorOf(response.statusCode, text, typeof requestId === 'string' ? requestId : undefined);
      } catch (thrown) {
        error = thrown;
      }
      if (attempt >= this.maxAttempts || !retryable(error)) throw error;
      await sleep(backoffMs(attempt - 1, S3_RETRY));
    }
  }

  /** Closes kept-alive sockets (tests; Lambda keeps them for the next invocation). */
  destroy(): void {
    this.http.destroy();
  }
}

function retryable(error: unknown): boolean {
  if (error instanceof S3Error) {
    return RETRY_STATUSES.has(error.$metadata.httpStatusCode) || RETRY_CODES.has(error.name);
  }
  const e = error as { code?: unknown; name?: unknown } | undefined;
  return (
    (typeof e?.code === 'string' && RETRY_NETWORK_CODES.has(e.code)) ||
    e?.name === 'TimeoutError' ||
    e?.name === 'RequestTimeout'
  );
}

/** The URL of a (presigned) request, query in sorted order, as the SDK formats it. */
function formatUrl(request: {
  protocol: string;
  hostname: string;
  port?: number | undefined;
  path: string;
  query?: Record<string, string | string[] | null>;
}): string {
  const params = request.query ?? {};
  const query = Object.keys(params)
    .sort()
    .flatMap((name) => {
      const value = params[name];
      const values = Array.isArray(value) ? value : [value];
      return values.map((v) =>
        v === null || v === undefined ? uriEscape(name) : `${uriEscape(name)}=${uriEscape(v)}`,
      );
    })
    .join('&');
  const host = request.port ? `${request.hostname}:${request.port}` : request.hostname;
  return `${request.protocol}//${host}${request.path}${query ? `?${query}` : ''}`;
}
