import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { SignedCheckpoint } from '../../domain/audit-seal.ts';
import type { CheckpointStore } from '../../ports/audit-seal.ts';
import { CorruptCheckpointError } from '../local/checkpoints.ts';

/**
 * Checkpoints in the audit bucket (S3 Object Lock, compliance mode: no version can be deleted or
 * changed before its retention ends, not even by the account's root user).
 *
 * Keys are `checkpoints/<999999999999 - seq>-<seq>.json`: S3 lists keys in ascending order, so the
 * newest checkpoint is the first key (one small List call per seal, whatever the history). Each key is
 * created once (`If-None-Match: *`); verification reads every version of every key and treats a second
 * version or a delete marker as tampering: the original (oldest) version is the checkpoint.
 */
export const CHECKPOINT_PREFIX = 'checkpoints/';
const MAX_SEQ = 999_999_999_999;
const KEY = /^checkpoints\/(\d{12})-(\d{12})\.json$/;

export const checkpointKey = (seq: number) =>
  `${CHECKPOINT_PREFIX}${String(MAX_SEQ - seq).padStart(12, '0')}-${String(seq).padStart(12, '0')}.json`;

function seqOfKey(key: string): number | undefined {
  const m = KEY.exec(key);
  if (!m?.[1] || !m[2]) return undefined;
  const seq = Number(m[2]);
  return MAX_SEQ - Number(m[1]) === seq ? seq : undefined;
}

export class S3CheckpointStore implements CheckpointStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  private async read(key: string, versionId?: string): Promise<SignedCheckpoint> {
    const out = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
    );
    const text = (await out.Body?.transformToString('utf-8')) ?? '';
    let parsed: SignedCheckpoint;
    try {
      parsed = JSON.parse(text) as SignedCheckpoint;
    } catch {
      throw new CorruptCheckpointError(`checkpoint object ${key} is not JSON`);
    }
    if (parsed?.seq !== seqOfKey(key)) {
      throw new CorruptCheckpointError(`checkpoint object ${key} holds checkpoint #${String(parsed?.seq)}`);
    }
    return parsed;
  }

  async latest(): Promise<SignedCheckpoint | undefined> {
    const out = await this.s3.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: CHECKPOINT_PREFIX, MaxKeys: 1 }),
    );
    const key = out.Contents?.[0]?.Key;
    return key ? this.read(key) : undefined;
  }

  async create(checkpoint: SignedCheckpoint): Promise<boolean> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: checkpointKey(checkpoint.seq),
          Body: `${JSON.stringify(checkpoint, null, 2)}\n`,
          ContentType: 'application/json',
          // Object Lock requires an integrity checksum on every PUT.
          ChecksumAlgorithm: 'SHA256',
          IfNoneMatch: '*',
        }),
      );
      return true;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // 412: the key exists; 409: a concurrent conditional write won the race.
      if (status === 412 || status === 409) return false;
      throw error;
    }
  }

  async list(): Promise<SignedCheckpoint[]> {
    const versions = new Map<string, { versionId: string; lastModified: number }[]>();
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: CHECKPOINT_PREFIX,
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
        }),
      );
      const marker = page.DeleteMarkers?.[0];
      if (marker) throw new CorruptCheckpointError(`checkpoint object ${marker.Key} carries a delete marker`);
      for (const v of page.Versions ?? []) {
        if (!v.Key || !v.VersionId) continue;
        if (seqOfKey(v.Key) === undefined) {
          throw new CorruptCheckpointError(`object ${v.Key} in the checkpoint prefix is not a checkpoint`);
        }
        const list = versions.get(v.Key) ?? [];
        list.push({ versionId: v.VersionId, lastModified: v.LastModified?.getTime() ?? 0 });
        versions.set(v.Key, list);
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
    const out: SignedCheckpoint[] = [];
    for (const [key, list] of versions) {
      if (list.length > 1) {
        throw new CorruptCheckpointError(
          `checkpoint object ${key} has ${list.length} versions: it was overwritten`,
        );
      }
      out.push(await this.read(key, list[0]?.versionId));
    }
    return out.sort((a, b) => a.seq - b.seq);
  }
}
