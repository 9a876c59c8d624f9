import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CorruptCheckpointError,
  LocalCheckpointSigner,
  LocalCheckpointStore,
  LocalPublicKeys,
  localAuditPaths,
} from '../../../functions/adapters/local/checkpoints.ts';
import {
  buildCheckpointBody,
  checkpointMessage,
  ecdsaP256Verifier,
  type SignedCheckpoint,
} from '../../../functions/domain/audit-seal.ts';

/** The local stand-ins of KMS and the Object Lock bucket: a key in the data dir and a write-once folder. */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'relief-audit-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function checkpoint(seq: number, signer = new LocalCheckpointSigner(dir)): Promise<SignedCheckpoint> {
  const body = {
    ...buildCheckpointBody({
      previous: undefined,
      sealedAt: '2026-01-01T00:00:00.000Z',
      leaves: [{ chainId: 'application/A', seq: 1, headHash: 'a'.repeat(64) }],
      keyId: await signer.keyId(),
    }),
    seq,
  };
  return { ...body, signature: await signer.sign(checkpointMessage(body)) };
}

describe('LocalCheckpointStore', () => {
  it('creates each checkpoint once, read-only, and never overwrites it', async () => {
    const store = new LocalCheckpointStore(dir);
    const first = await checkpoint(1);
    expect(await store.create(first)).toBe(true);
    expect(await store.create({ ...first, sealedAt: 'forged' })).toBe(false);
    const file = path.join(localAuditPaths(dir).checkpoints, '000000000001.json');
    expect(statSync(file).mode & 0o777).toBe(0o444);
    expect((await store.latest())?.sealedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('lists in seq order and finds the latest', async () => {
    const store = new LocalCheckpointStore(dir);
    for (const seq of [2, 1, 3]) await store.create(await checkpoint(seq));
    expect((await store.list()).map((c) => c.seq)).toEqual([1, 2, 3]);
    expect((await store.latest())?.seq).toBe(3);
    expect(await new LocalCheckpointStore(path.join(dir, 'none')).list()).toEqual([]);
  });

  it('reports a file that is not a checkpoint, or holds another seq, as corrupt', async () => {
    const store = new LocalCheckpointStore(dir);
    await store.create(await checkpoint(1));
    const file = path.join(localAuditPaths(dir).checkpoints, '000000000002.json');
    writeFileSync(file, JSON.stringify(await checkpoint(7)));
    await expect(store.list()).rejects.toThrow(/000000000002.json holds checkpoint #7/);
    await chmod(file, 0o644);
    writeFileSync(file, 'not json');
    await expect(store.list()).rejects.toBeInstanceOf(CorruptCheckpointError);
  });
});

describe('local signing key', () => {
  it('is generated once (0600) and reused by every process on the same data dir', async () => {
    const a = new LocalCheckpointSigner(dir);
    const b = new LocalCheckpointSigner(dir);
    const [idA, idB] = await Promise.all([a.keyId(), b.keyId()]);
    expect(idA).toMatch(/^local:p256:[0-9a-f]{16}$/);
    expect(idB).toBe(idA);
    expect(statSync(localAuditPaths(dir).privateKey).mode & 0o777).toBe(0o600);
  });

  it('signs what the public key in the data dir verifies, and only that key id resolves', async () => {
    const signer = new LocalCheckpointSigner(dir);
    const cp = await checkpoint(1, signer);
    const keys = new LocalPublicKeys(dir);
    const pem = await keys.publicKeyPem(cp.keyId);
    expect(pem).toMatch(/BEGIN PUBLIC KEY/);
    expect(await keys.publicKeyPem('local:p256:0000000000000000')).toBeUndefined();
    const verify = ecdsaP256Verifier(new Map([[cp.keyId, pem as string]]));
    expect(verify(cp.keyId, checkpointMessage(cp), cp.signature)).toBe(true);
  });
});
