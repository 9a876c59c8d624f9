import 'aws-sdk-client-mock-vitest/extend';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CorruptCheckpointError } from '../../../functions/adapters/local/checkpoints.ts';
import { checkpointKey, S3CheckpointStore } from '../../../functions/adapters/s3/checkpoint-store.ts';
import type { SignedCheckpoint } from '../../../functions/domain/audit-seal.ts';

/** The S3 Object Lock checkpoint store's calls (the local runner uses the folder store instead). */
const s3 = mockClient(S3Client);
afterEach(() => {
  s3.reset();
});

const store = () => new S3CheckpointStore(new S3Client({ region: 'cn-northwest-1' }), 'relief-prod-audit');
const cp = (seq: number) => ({ seq, leaves: [], signature: 'x' }) as unknown as SignedCheckpoint;
/** A GetObject body as the adapter reads it (the SDK's stream mixin). */
const body = (value: unknown) => ({
  transformToString: async () => (typeof value === 'string' ? value : JSON.stringify(value)),
});
const status = (code: number, name: string) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: code }, message: name });

describe('S3CheckpointStore', () => {
  it('names checkpoints so that the newest lists first', () => {
    expect(checkpointKey(1)).toBe('checkpoints/999999999998-000000000001.json');
    expect(checkpointKey(2) < checkpointKey(1)).toBe(true);
    expect(checkpointKey(10) < checkpointKey(9)).toBe(true);
  });

  it('creates a checkpoint only if its key does not exist, with a checksum (Object Lock requires one)', async () => {
    s3.on(PutObjectCommand).resolves({});
    expect(await store().create(cp(3))).toBe(true);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'relief-prod-audit',
      Key: checkpointKey(3),
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
      ContentType: 'application/json',
    });
  });

  it('answers false when the key exists (412) or a concurrent write won (409), and rethrows the rest', async () => {
    s3.on(PutObjectCommand)
      .rejectsOnce(status(412, 'PreconditionFailed'))
      .rejectsOnce(status(409, 'ConditionalRequestConflict'));
    expect(await store().create(cp(3))).toBe(false);
    expect(await store().create(cp(3))).toBe(false);
    s3.on(PutObjectCommand).rejects(status(403, 'AccessDenied'));
    await expect(store().create(cp(3))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('reads the latest with one List of one key', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: checkpointKey(7) }] });
    s3.on(GetObjectCommand).resolves({ Body: body(cp(7)) } as never);
    expect((await store().latest())?.seq).toBe(7);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Prefix: 'checkpoints/', MaxKeys: 1 });
    s3.on(ListObjectsV2Command).resolves({});
    expect(await store().latest()).toBeUndefined();
  });

  it('lists every checkpoint by its only version, in seq order', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: checkpointKey(2), VersionId: 'v2' },
        { Key: checkpointKey(1), VersionId: 'v1' },
      ],
    });
    s3.on(GetObjectCommand, { Key: checkpointKey(1), VersionId: 'v1' }).resolves({
      Body: body(cp(1)),
    } as never);
    s3.on(GetObjectCommand, { Key: checkpointKey(2), VersionId: 'v2' }).resolves({
      Body: body(cp(2)),
    } as never);
    expect((await store().list()).map((c) => c.seq)).toEqual([1, 2]);
  });

  it.each([
    [
      {
        Versions: [
          { Key: checkpointKey(1), VersionId: 'a' },
          { Key: checkpointKey(1), VersionId: 'b' },
        ],
      },
      /has 2 versions/,
    ],
    [
      { Versions: [{ Key: checkpointKey(1), VersionId: 'a' }], DeleteMarkers: [{ Key: checkpointKey(1) }] },
      /delete marker/,
    ],
    [{ Versions: [{ Key: 'checkpoints/planted.json', VersionId: 'a' }] }, /not a checkpoint/],
  ])('treats an overwritten, deleted or planted object as tampering (%#)', async (page, message) => {
    s3.on(ListObjectVersionsCommand).resolves(page);
    s3.on(GetObjectCommand).resolves({ Body: body(cp(1)) } as never);
    await expect(store().list()).rejects.toBeInstanceOf(CorruptCheckpointError);
    await expect(store().list()).rejects.toThrow(message);
  });

  it('refuses an object whose content is another checkpoint than its key says', async () => {
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: checkpointKey(1), VersionId: 'a' }] });
    s3.on(GetObjectCommand).resolves({ Body: body(cp(5)) } as never);
    await expect(store().list()).rejects.toThrow(/holds checkpoint #5/);
  });
});
