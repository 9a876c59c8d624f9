import { createHash } from 'node:crypto';
import type { DocumentStorage } from '../../ports/campaigns.ts';
import { tick } from './state.ts';

export interface StoredObject {
  body: Buffer;
  contentType: string;
  sha256Hex: string;
}

/** A presigned upload as the memory storage hands it out (the URL names the grant, nothing is signed). */
export interface MemoryUploadGrant {
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  expiresAt: string;
}

/** What S3 answers to an upload it refuses. */
export class UploadRefusedError extends Error {
  override name = 'UploadRefused';
  constructor(
    readonly code: 'AccessDenied' | 'BadDigest' | 'ContentLengthMismatch' | 'ContentTypeMismatch',
    message: string,
  ) {
    super(message);
  }
}

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/**
 * Document storage in memory: objects in a Map with their SHA-256, presigned URLs as fake
 * `memory://` strings. `upload` enforces a grant as the S3 front does (the signed length, type and
 * checksum, before the expiry); `putObject` and `deleteObject` change objects behind the system's
 * back (an overwrite, a lost object), as a test needs to.
 */
export class MemoryDocumentStorage implements DocumentStorage {
  readonly objects = new Map<string, StoredObject>();
  private readonly grants = new Map<
    string,
    { key: string; contentType: string; sizeBytes: number; sha256Hex: string; expiresAt: string }
  >();
  private serial = 0;

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly ttl = { uploadTtlSeconds: 900, downloadTtlSeconds: 300 },
    private readonly bucket = 'relief-documents',
  ) {}

  private expiry(seconds: number): string {
    return new Date(Math.floor(this.now().getTime() / 1000) * 1000 + seconds * 1000).toISOString();
  }

  async presignUpload(input: { key: string; contentType: string; sizeBytes: number; sha256Hex: string }) {
    await tick();
    if (!/^[0-9a-fA-F]{64}$/.test(input.sha256Hex))
      throw new RangeError('sha256Hex must be 64 hex characters');
    const grant = `g${++this.serial}`;
    const expiresAt = this.expiry(this.ttl.uploadTtlSeconds);
    this.grants.set(grant, { ...input, sha256Hex: input.sha256Hex.toLowerCase(), expiresAt });
    return {
      method: 'PUT' as const,
      url: `memory://${this.bucket}/${input.key}?grant=${grant}`,
      headers: {
        'content-type': input.contentType,
        'content-length': String(input.sizeBytes),
        'x-amz-checksum-sha256': Buffer.from(input.sha256Hex, 'hex').toString('base64'),
      },
      expiresAt,
    };
  }

  async presignDownload(key: string) {
    await tick();
    return {
      url: `memory://${this.bucket}/${key}?download=${++this.serial}`,
      expiresAt: this.expiry(this.ttl.downloadTtlSeconds),
    };
  }

  async inspect(key: string) {
    await tick();
    const object = this.objects.get(key);
    if (!object) return undefined;
    return { sizeBytes: object.body.length, sha256Hex: object.sha256Hex, contentType: object.contentType };
  }

  /**
   * A client's PUT through a presigned grant: refused (nothing stored) unless the body and headers
   * match what was signed and the grant has not expired. Returns the key stored.
   */
  async upload(url: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<string> {
    await tick();
    const grant = this.grants.get(new URL(url).searchParams.get('grant') ?? '');
    if (!grant || this.now().toISOString() > grant.expiresAt)
      throw new UploadRefusedError('AccessDenied', 'The upload URL is not valid (unknown or expired).');
    const bytes = Buffer.from(body);
    const contentType = headers['content-type'] ?? grant.contentType;
    if (contentType !== grant.contentType)
      throw new UploadRefusedError('ContentTypeMismatch', 'Content-Type differs from the signed one.');
    if (bytes.length !== grant.sizeBytes)
      throw new UploadRefusedError('ContentLengthMismatch', 'Content-Length differs from the signed one.');
    if (sha256(bytes) !== grant.sha256Hex)
      throw new UploadRefusedError('BadDigest', 'The body does not match x-amz-checksum-sha256.');
    this.putObject(grant.key, bytes, contentType);
    return grant.key;
  }

  /**
   * Writes an object directly (no grant): an overwrite or an object the system never asked for.
   * Without a content type it is stored as S3 stores one: binary/octet-stream.
   */
  putObject(key: string, body: Buffer | string, contentType = 'binary/octet-stream'): void {
    const bytes = Buffer.from(body);
    this.objects.set(key, { body: bytes, contentType, sha256Hex: sha256(bytes) });
  }

  deleteObject(key: string): void {
    this.objects.delete(key);
  }
}
