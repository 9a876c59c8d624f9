/**
 * An S3 error response, shaped as callers matched the SDK's S3ServiceException: `name` is S3's
 * `<Code>` (NoSuchKey, AccessDenied, SlowDown…; for a body-less HEAD answer the status's name, as the
 * SDK does: NotFound, Forbidden…), `$metadata.httpStatusCode` the status.
 */
export class S3Error extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  constructor(name: string, message: string, httpStatusCode: number, requestId?: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode, ...(requestId ? { requestId } : {}) };
  }
}

/** Status names the SDK gives an error answer without an XML body (HEAD requests). */
const STATUS_NAMES: Record<number, string> = {
  301: 'PermanentRedirect',
  304: 'NotModified',
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  412: 'PreconditionFailed',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** The S3Error of a non-2xx answer with its (possibly empty) XML error body. */
export function errorOf(status: number, body: string, requestId?: string): S3Error {
  const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
  const code = tag('Code') ?? STATUS_NAMES[status] ?? `Http${status}`;
  return new S3Error(code, tag('Message') ?? `S3 answered ${status} ${code}`, status, requestId);
}

/** The object (or its bucket) does not exist. */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3Error)) return false;
  return (
    error.name === 'NotFound' ||
    error.name === 'NoSuchKey' ||
    error.name === 'NoSuchBucket' ||
    error.$metadata.httpStatusCode === 404
  );
}
