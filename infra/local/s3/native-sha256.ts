import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/**
 * SHA-256 / HMAC-SHA256 for @smithy/signature-v4 on Node's native crypto (the `Checksum` shape it takes
 * as `sha256`), as the SDK's own Node clients hash. The front verifies and re-signs every S3 request:
 * the pure-JS `@aws-crypto/sha256-js` cost it several times more CPU per signature.
 */
export class NativeSha256 {
  private hash: Hash | Hmac;

  private readonly secret: string | Uint8Array | undefined;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    // A copy: reset() signs with it again, whatever the caller does with its buffer meanwhile.
    this.secret = secret === undefined || typeof secret === 'string' ? secret : bytes(secret).slice();
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.create();
  }
}

function bytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
