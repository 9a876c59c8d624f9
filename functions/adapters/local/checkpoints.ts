import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SignedCheckpoint } from '../../domain/audit-seal.ts';
import type { CheckpointSigner, CheckpointStore, PublicKeyResolver } from '../../ports/audit-seal.ts';

/**
 * Local mode only (the local runner and `relief audit … --data-dir`): the stand-ins for the KMS
 * signing key and the Object Lock bucket, under `<dataDir>/audit/`:
 *   signing-key.pem       ECDSA P-256 private key (PKCS#8, mode 0600), generated on first start
 *   signing-key.pub.pem   its public key, for auditors
 *   checkpoints/<seq>.json  one file per checkpoint, created with the exclusive flag (never overwritten)
 *                         and read-only (0444)
 * Anyone who owns the data directory can of course replace all of it; the deployment's guarantees come
 * from KMS (the private key never leaves it) and S3 Object Lock in compliance mode.
 */
export function localAuditPaths(auditDir: string) {
  return {
    dir: auditDir,
    privateKey: path.join(auditDir, 'signing-key.pem'),
    publicKey: path.join(auditDir, 'signing-key.pub.pem'),
    checkpoints: path.join(auditDir, 'checkpoints'),
  };
}

export class CorruptCheckpointError extends Error {
  override name = 'CorruptCheckpointError';
}

const isExists = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'EEXIST';
const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/** `local:p256:<first 16 hex of SHA-256 of the SPKI DER>`: a stable id of the local public key. */
export function localKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `local:p256:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

/** The local signing key, created (exclusively: two processes may race at first start) when missing. */
export async function loadOrCreateLocalSigningKey(auditDir: string): Promise<{
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}> {
  const paths = localAuditPaths(auditDir);
  await mkdir(paths.dir, { recursive: true });
  let pem: string;
  try {
    pem = await readFile(paths.privateKey, 'utf8');
  } catch (error) {
    if (!isMissing(error)) throw error;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const fresh = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    try {
      await writeFile(paths.privateKey, fresh, { flag: 'wx', mode: 0o600 });
      pem = fresh;
    } catch (raced) {
      if (!isExists(raced)) throw raced;
      pem = await readFile(paths.privateKey, 'utf8');
    }
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${paths.privateKey} is not an ECDSA P-256 key; move it away to create a new one`);
  }
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  await writeFile(paths.publicKey, publicPem, { flag: 'wx', mode: 0o644 }).catch((error) => {
    if (!isExists(error)) throw error;
  });
  return { privateKey, publicKey, keyId: localKeyId(publicKey) };
}

export class LocalCheckpointSigner implements CheckpointSigner {
  private key: ReturnType<typeof loadOrCreateLocalSigningKey> | undefined;
  constructor(private readonly auditDir: string) {}

  private loaded() {
    this.key ??= loadOrCreateLocalSigningKey(this.auditDir);
    return this.key;
  }

  async keyId(): Promise<string> {
    return (await this.loaded()).keyId;
  }

  async sign(message: Uint8Array): Promise<string> {
    return sign('sha256', message, (await this.loaded()).privateKey).toString('base64');
  }
}

/** Knows the local key only (the one in the data directory). */
export class LocalPublicKeys implements PublicKeyResolver {
  constructor(private readonly auditDir: string) {}

  async publicKeyPem(keyId: string): Promise<string | undefined> {
    let pem: string;
    try {
      pem = await readFile(localAuditPaths(this.auditDir).publicKey, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return localKeyId(createPublicKey(pem)) === keyId ? pem : undefined;
  }
}

const FILE = /^(\d{12})\.json$/;
const fileOf = (seq: number) => `${String(seq).padStart(12, '0')}.json`;

/** A write-once folder of checkpoints. */
export class LocalCheckpointStore implements CheckpointStore {
  private readonly dir: string;
  constructor(auditDir: string) {
    this.dir = localAuditPaths(auditDir).checkpoints;
  }

  private async files(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((f) => FILE.test(f)).sort();
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  private async read(file: string): Promise<SignedCheckpoint> {
    const text = await readFile(path.join(this.dir, file), 'utf8');
    let parsed: SignedCheckpoint;
    try {
      parsed = JSON.parse(text) as SignedCheckpoint;
    } catch {
      throw new CorruptCheckpointError(`checkpoint file ${file} is not JSON`);
    }
    if (fileOf(parsed?.seq) !== file) {
      throw new CorruptCheckpointError(`checkpoint file ${file} holds checkpoint #${String(parsed?.seq)}`);
    }
    return parsed;
  }

  async latest(): Promise<SignedCheckpoint | undefined> {
    const last = (await this.files()).at(-1);
    return last ? this.read(last) : undefined;
  }

  async create(checkpoint: SignedCheckpoint): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    try {
      // O_CREAT | O_EXCL: fails if the file exists, whoever wrote it; created read-only.
      await writeFile(
        path.join(this.dir, fileOf(checkpoint.seq)),
        `${JSON.stringify(checkpoint, null, 2)}\n`,
        {
          flag: 'wx',
          mode: 0o444,
        },
      );
      return true;
    } catch (error) {
      if (isExists(error)) return false;
      throw error;
    }
  }

  async list(): Promise<SignedCheckpoint[]> {
    const out: SignedCheckpoint[] = [];
    for (const file of await this.files()) out.push(await this.read(file));
    return out;
  }
}
