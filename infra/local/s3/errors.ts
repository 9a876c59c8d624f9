import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** An S3 error response: the status, `Code` and `Message` real S3 uses, plus extra elements. */
export class S3FrontError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'S3FrontError';
  }
}

export const accessDenied = (message = 'Access Denied', details?: Record<string, string>) =>
  new S3FrontError(403, 'AccessDenied', message, details);

export const signatureDoesNotMatch = (details?: Record<string, string>) =>
  new S3FrontError(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    details,
  );

const escapeXml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

export function errorXml(error: S3FrontError, requestId: string): string {
  const extra = Object.entries(error.details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${extra}` +
    `<RequestId>${requestId}</RequestId><HostId>local-s3-front</HostId></Error>`
  );
}

export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** Writes the error as S3 does: XML body (none for HEAD), the status, the request id header. */
export function sendError(res: ServerResponse, method: string | undefined, error: S3FrontError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const requestId = newRequestId();
  const body = errorXml(error, requestId);
  res.writeHead(error.status, {
    'content-type': 'application/xml',
    'x-amz-request-id': requestId,
    ...(method === 'HEAD' ? {} : { 'content-length': Buffer.byteLength(body) }),
  });
  res.end(method === 'HEAD' ? undefined : body);
}
