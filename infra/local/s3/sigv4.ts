import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { accessDenied, S3FrontError, signatureDoesNotMatch } from './errors.ts';
import { NativeSha256 } from './native-sha256.ts';

/**
 * Re-verifies AWS Signature Version 4 on an incoming S3 request by recomputing it with the SDK's own
 * signer (@smithy/signature-v4) on a reconstructed request: method, raw path, query without
 * X-Amz-Signature, and only the headers the client declared as signed. Both forms are supported:
 * presigned query parameters and the `Authorization: AWS4-HMAC-SHA256 …` header. Errors are the ones
 * S3 returns (status, code, message).
 */

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface QueryParam {
  /** Decoded name and value. */
  name: string;
  value: string;
  /** The `name=value` text as it appeared in the URL. */
  raw: string;
}

export interface SignedRequest {
  method: string;
  /** The path exactly as sent (still percent-encoded): S3 signs it without re-encoding. */
  rawPath: string;
  query: QueryParam[];
  headers: IncomingHttpHeaders;
}

export interface Authenticated {
  mechanism: 'presigned-query' | 'authorization-header';
  accessKeyId: string;
  /** What the signature says about the body: UNSIGNED-PAYLOAD, a hex SHA-256, or a STREAMING-* marker. */
  payloadHash: string;
  signedHeaders: string[];
}

/** Query parameters that carry presigned authentication (never forwarded, never part of the resource). */
export const AUTH_QUERY_PARAMS = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
  'x-amz-content-sha256',
]);

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const MAX_PRESIGNED_EXPIRES = 604_800;
const MAX_SKEW_MS = 15 * 60 * 1000;
const PAYLOAD_HASH = /^(UNSIGNED-PAYLOAD|STREAMING-[A-Z0-9-]+|[0-9a-fA-F]{64})$/;

/** Splits a raw query string into decoded parameters (`+` stays `+`, as in SigV4). */
export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  for (const raw of rawQuery.split('&')) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    try {
      params.push({
        name: decodeURIComponent(eq < 0 ? raw : raw.slice(0, eq)),
        value: eq < 0 ? '' : decodeURIComponent(raw.slice(eq + 1)),
        raw,
      });
    } catch {
      throw new S3FrontError(400, 'InvalidURI', "Couldn't parse the specified URI.");
    }
  }
  return params;
}

export class SigV4Verifier {
  private readonly signer: SignatureV4;

  constructor(
    private readonly credentials: SigV4Credentials,
    private readonly region: string,
  ) {
    this.signer = new SignatureV4({
      credentials,
      region,
      service: 's3',
      sha256: NativeSha256,
      uriEscapePath: false, // S3 signs the path as sent, without double encoding
      applyChecksum: false,
    });
  }

  /** Resolves when the request carries a valid signature by the configured credentials; else throws S3FrontError. */
  async authenticate(request: SignedRequest, now: Date): Promise<Authenticated> {
    const byName = (name: string) => request.query.filter((p) => p.name === name);
    const presigned = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'].some(
      (n) => byName(n).length > 0,
    );
    const authorization = header(request.headers, 'authorization');
    if (presigned && authorization !== undefined) {
      throw new S3FrontError(
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      );
    }
    if (presigned) return this.verifyPresigned(request, now);
    if (authorization !== undefined) return this.verifyAuthorizationHeader(request, authorization, now);
    if (byName('Signature').length > 0 || byName('AWSAccessKeyId').length > 0) throw unsupportedMechanism();
    throw accessDenied();
  }

  private async verifyPresigned(request: SignedRequest, now: Date): Promise<Authenticated> {
    const single = (name: string): string | undefined => {
      const found = request.query.filter((p) => p.name === name);
      if (found.length > 1) throw queryError(`Multiple ${name} parameters are not allowed.`);
      return found[0]?.value;
    };
    const algorithm = single('X-Amz-Algorithm');
    const credential = single('X-Amz-Credential');
    const amzDate = single('X-Amz-Date');
    const expires = single('X-Amz-Expires');
    const signedHeadersParam = single('X-Amz-SignedHeaders');
    const signature = single('X-Amz-Signature');
    if (algorithm !== ALGORITHM) throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    if (!credential || !amzDate || !expires || !signedHeadersParam || !signature) {
      throw queryError(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      );
    }
    rejectSecurityToken(request, single('X-Amz-Security-Token'));
    if (!/^\d{1,9}$/.test(expires)) throw queryError('X-Amz-Expires should be a number');
    const expiresIn = Number(expires);
    if (expiresIn > MAX_PRESIGNED_EXPIRES) {
      throw queryError('X-Amz-Expires must be less than a week (in seconds) that is 604800');
    }
    if (expiresIn < 1) throw queryError('X-Amz-Expires must be at least 1');
    const signingDate = parseAmzDate(amzDate);
    if (!signingDate)
      throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    const scope = this.checkCredential(credential, amzDate, queryError, 'X-Amz-Credential');

    const expiresAt = new Date(signingDate.getTime() + expiresIn * 1000);
    if (now.getTime() >= expiresAt.getTime()) {
      throw accessDenied('Request has expired', {
        'X-Amz-Expires': expires,
        Expires: isoSeconds(expiresAt),
        ServerTime: isoSeconds(now),
      });
    }
    if (signingDate.getTime() - now.getTime() > MAX_SKEW_MS) {
      throw accessDenied('Request is not valid yet', { 'X-Amz-Date': amzDate, ServerTime: isoSeconds(now) });
    }

    const signedHeaders = this.checkSignedHeaders(signedHeadersParam, request.headers, queryError);
    const headers = pickHeaders(request.headers, signedHeaders);
    const unsignable = new Set<string>();
    let payloadHash = single('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD;
    if (signedHeaders.includes('x-amz-content-sha256')) {
      payloadHash = headers['x-amz-content-sha256'] ?? payloadHash;
    } else {
      // The signer reads the payload hash from this header; keep it out of the signed set.
      headers['x-amz-content-sha256'] = payloadHash;
      unsignable.add('x-amz-content-sha256');
    }
    if (!PAYLOAD_HASH.test(payloadHash)) throw invalidPayloadHash(payloadHash);

    const recomputed = await this.signer.presign(this.reconstruct(request, headers, ['X-Amz-Signature']), {
      signingDate,
      expiresIn,
      signableHeaders: new Set(signedHeaders),
      unsignableHeaders: unsignable,
      unhoistableHeaders: new Set(Object.keys(headers)),
    });
    const expected = recomputed.query?.['X-Amz-Signature'];
    if (typeof expected !== 'string' || !constantTimeEqual(expected, signature)) {
      throw signatureDoesNotMatch({ AWSAccessKeyId: scope.accessKeyId, SignatureProvided: signature });
    }
    return { mechanism: 'presigned-query', accessKeyId: scope.accessKeyId, payloadHash, signedHeaders };
  }

  private async verifyAuthorizationHeader(
    request: SignedRequest,
    authorization: string,
    now: Date,
  ): Promise<Authenticated> {
    const space = authorization.indexOf(' ');
    const algorithm = space < 0 ? authorization : authorization.slice(0, space);
    if (algorithm === 'AWS') throw unsupportedMechanism();
    if (algorithm !== ALGORITHM)
      throw new S3FrontError(400, 'InvalidArgument', 'Unsupported Authorization Type');
    const components = new Map<string, string>();
    for (const part of authorization.slice(space + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) components.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const credential = components.get('Credential');
    const signedHeadersParam = components.get('SignedHeaders');
    const signature = components.get('Signature');
    if (components.size !== 3 || !credential || !signedHeadersParam || !signature) {
      throw headerError(
        'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
      );
    }
    const amzDate = header(request.headers, 'x-amz-date');
    const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
    if (!amzDate || !signingDate)
      throw accessDenied('AWS authentication requires a valid Date or x-amz-date header');
    const scope = this.checkCredential(credential, amzDate, headerError, 'Credential');
    if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
      throw new S3FrontError(
        403,
        'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.',
        {
          RequestTime: amzDate,
          ServerTime: isoSeconds(now),
          MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
        },
      );
    }
    rejectSecurityToken(request, undefined);
    const payloadHash = header(request.headers, 'x-amz-content-sha256');
    if (payloadHash === undefined) {
      throw new S3FrontError(
        400,
        'InvalidRequest',
        'Missing required header for this request: x-amz-content-sha256',
      );
    }
    if (!PAYLOAD_HASH.test(payloadHash)) throw invalidPayloadHash(payloadHash);

    const signedHeaders = this.checkSignedHeaders(signedHeadersParam, request.headers, headerError);
    // x-amz-date is re-added by the signer from signingDate; authorization/date are never signable here.
    const headers = pickHeaders(
      request.headers,
      signedHeaders.filter((h) => h !== 'x-amz-date'),
    );
    const unsignable = new Set<string>();
    if (!signedHeaders.includes('x-amz-content-sha256')) {
      headers['x-amz-content-sha256'] = payloadHash;
      unsignable.add('x-amz-content-sha256');
    }
    const recomputed = await this.signer.sign(this.reconstruct(request, headers, []), {
      signingDate,
      signableHeaders: new Set(signedHeaders),
      unsignableHeaders: unsignable,
    });
    const expected = /Signature=([0-9a-f]+)/.exec(String(recomputed.headers.authorization))?.[1];
    if (!expected || !constantTimeEqual(expected, signature)) {
      throw signatureDoesNotMatch({ AWSAccessKeyId: scope.accessKeyId, SignatureProvided: signature });
    }
    return { mechanism: 'authorization-header', accessKeyId: scope.accessKeyId, payloadHash, signedHeaders };
  }

  /** `AKID/yyyymmdd/region/s3/aws4_request`: our key, our region, the signing day of X-Amz-Date. */
  private checkCredential(
    credential: string,
    amzDate: string,
    malformed: (message: string) => S3FrontError,
    label: string,
  ): { accessKeyId: string } {
    const parts = credential.split('/');
    if (parts.length !== 5) {
      throw malformed(
        `Error parsing the ${label} parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
      );
    }
    const [accessKeyId = '', day, region, service, terminator] = parts;
    if (accessKeyId !== this.credentials.accessKeyId) {
      throw new S3FrontError(
        403,
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
        { AWSAccessKeyId: accessKeyId },
      );
    }
    if (day !== amzDate.slice(0, 8)) {
      throw malformed(
        `Error parsing the ${label} parameter; Invalid credential date. Date is not the same as X-Amz-Date.`,
      );
    }
    if (region !== this.region) {
      throw malformed(
        `Error parsing the ${label} parameter; the region '${region}' is wrong; expecting '${this.region}'`,
      );
    }
    if (service !== 's3') {
      throw malformed(
        `Error parsing the ${label} parameter; incorrect service '${service}'. This endpoint belongs to 's3'.`,
      );
    }
    if (terminator !== 'aws4_request') {
      throw malformed(
        `Error parsing the ${label} parameter; incorrect terminal '${terminator}'. This endpoint uses 'aws4_request'.`,
      );
    }
    return { accessKeyId };
  }

  /** host must be signed, and every x-amz-* header present must be signed (as S3 requires). */
  private checkSignedHeaders(
    list: string,
    headers: IncomingHttpHeaders,
    malformed: (message: string) => S3FrontError,
  ): string[] {
    const signed = list.split(';');
    if (signed.some((h) => h === '' || h !== h.toLowerCase())) throw malformed('SignedHeaders is malformed.');
    if (!signed.includes('host')) throw malformed('SignedHeaders must include host.');
    const notSigned = Object.keys(headers).filter((h) => h.startsWith('x-amz-') && !signed.includes(h));
    if (notSigned.length > 0) {
      throw accessDenied('There were headers present in the request which were not signed', {
        HeadersNotSigned: notSigned.join(', '),
      });
    }
    return signed;
  }

  private reconstruct(
    request: SignedRequest,
    headers: Record<string, string>,
    dropQuery: string[],
  ): HttpRequest {
    const query: Record<string, string | string[]> = {};
    for (const { name, value } of request.query) {
      if (dropQuery.includes(name)) continue;
      const existing = query[name];
      query[name] =
        existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    // Only the host *header* is signed; hostname and port merely make the request well-formed.
    const [, hostname = 'localhost', port] = /^(.*?)(?::(\d+))?$/.exec(headers.host ?? '') ?? [];
    return new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname,
      ...(port ? { port: Number(port) } : {}),
      path: request.rawPath,
      query,
      headers,
    });
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function pickHeaders(headers: IncomingHttpHeaders, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = header(headers, name);
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

function rejectSecurityToken(request: SignedRequest, queryToken: string | undefined): void {
  if (queryToken !== undefined || request.headers['x-amz-security-token'] !== undefined) {
    // The local front knows only long-term credentials.
    throw new S3FrontError(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
  }
}

/** `yyyyMMddTHHmmssZ` → Date, or undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject rolled-over values such as month 13 so the signer reproduces exactly this string.
  if (
    date
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '') !== value
  )
    return undefined;
  return date;
}

function constantTimeEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

const queryError = (message: string) => new S3FrontError(400, 'AuthorizationQueryParametersError', message);
const headerError = (message: string) => new S3FrontError(400, 'AuthorizationHeaderMalformed', message);
const unsupportedMechanism = () =>
  new S3FrontError(
    400,
    'InvalidRequest',
    'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
  );
const invalidPayloadHash = (value: string) =>
  new S3FrontError(
    400,
    'InvalidArgument',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.',
    { ArgumentName: 'x-amz-content-sha256', ArgumentValue: value },
  );
