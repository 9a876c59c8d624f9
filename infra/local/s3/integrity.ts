import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import { S3FrontError } from './errors.ts';

/**
 * The body checks S3 makes before it stores anything: the signed payload hash
 * (x-amz-content-sha256), Content-MD5, and the flexible checksum header (x-amz-checksum-*).
 */

/** Checksum headers the front can verify, with the byte length of their decoded value. */
const CHECKSUMS: Record<string, { label: string; length: number; compute: (body: Buffer) => Buffer }> = {
  'x-amz-checksum-sha256': {
    label: 'SHA256',
    length: 32,
    compute: (b) => createHash('sha256').update(b).digest(),
  },
  'x-amz-checksum-sha1': { label: 'SHA1', length: 20, compute: (b) => createHash('sha1').update(b).digest() },
  'x-amz-checksum-crc32': {
    label: 'CRC32',
    length: 4,
    compute: (b) => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc32(b) >>> 0);
      return out;
    },
  },
};
const UNVERIFIABLE_CHECKSUMS = new Set(['x-amz-checksum-crc32c', 'x-amz-checksum-crc64nvme']);
/** x-amz-checksum-* headers that are not checksums of this body. */
const CHECKSUM_CONTROL_HEADERS = new Set([
  'x-amz-checksum-mode',
  'x-amz-checksum-type',
  'x-amz-checksum-algorithm',
]);

/** Headers to echo on success (as S3 does for a verified checksum). */
export function verifyBody(
  body: Buffer,
  headers: IncomingHttpHeaders,
  payloadHash: string,
): Record<string, string> {
  const declaredLength = headers['content-length'];
  if (declaredLength !== undefined && Number(declaredLength) !== body.length) {
    throw new S3FrontError(
      400,
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    );
  }

  if (/^[0-9a-fA-F]{64}$/.test(payloadHash)) {
    const computed = createHash('sha256').update(body).digest('hex');
    if (computed !== payloadHash.toLowerCase()) {
      throw new S3FrontError(
        400,
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        { ClientComputedContentSHA256: payloadHash, S3ComputedContentSHA256: computed },
      );
    }
  }

  const md5 = headers['content-md5'];
  if (typeof md5 === 'string') {
    const declared = Buffer.from(md5, 'base64');
    if (declared.length !== 16 || declared.toString('base64') !== md5) {
      throw new S3FrontError(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
    }
    if (!createHash('md5').update(body).digest().equals(declared)) {
      throw new S3FrontError(
        400,
        'BadDigest',
        'The Content-MD5 you specified did not match what we received.',
      );
    }
  }

  const checksumHeaders = Object.keys(headers).filter(
    (h) => h.startsWith('x-amz-checksum-') && !CHECKSUM_CONTROL_HEADERS.has(h),
  );
  if (checksumHeaders.length > 1) {
    throw new S3FrontError(
      400,
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  }
  const name = checksumHeaders[0];
  if (name === undefined) return {};
  if (UNVERIFIABLE_CHECKSUMS.has(name)) {
    throw new S3FrontError(
      501,
      'NotImplemented',
      `The local S3 front cannot verify ${name}; use x-amz-checksum-sha256, -sha1 or -crc32.`,
    );
  }
  const algorithm = CHECKSUMS[name];
  const value = headers[name];
  if (!algorithm || typeof value !== 'string') {
    throw new S3FrontError(400, 'InvalidRequest', `Unsupported checksum header ${name}.`);
  }
  const declared = Buffer.from(value, 'base64');
  if (declared.length !== algorithm.length || declared.toString('base64') !== value) {
    throw new S3FrontError(400, 'InvalidRequest', `Value for ${name} header is invalid.`);
  }
  if (!algorithm.compute(body).equals(declared)) {
    throw new S3FrontError(
      400,
      'BadDigest',
      `The ${algorithm.label} you specified did not match the calculated checksum.`,
    );
  }
  return { [name]: value };
}
