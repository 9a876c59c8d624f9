/**
 * `relief audit seal|verify` — the sealed audit trail (全程留痕). Unlike the other commands these do not
 * go through the API: `verify` trusts nothing the service says. It reads the table and the checkpoint
 * store itself, recomputes every chain and compares it with the signed checkpoints.
 *
 * Targets: the local runner's data directory (`--data-dir`, default RELIEF_DATA_DIR or .local; the
 * runner must be running, its runner.json names its DynamoDB Local), or a deployment (`--table` and
 * `--bucket`, with the caller's AWS credentials and `--region`/AWS_REGION; `seal` also `--signing-key`).
 * Exit codes: 0 verified / sealed · 1 the stores could not be read · 2 usage · 3 (verify) divergence found.
 */
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  applicationChainId,
  chainKeys,
  DynamoAuditChainStore,
} from '../functions/adapters/dynamodb/audit-chains.ts';
import { KmsCheckpointSigner, KmsPublicKeys } from '../functions/adapters/kms/checkpoint-signer.ts';
import {
  CorruptCheckpointError,
  LocalCheckpointSigner,
  LocalCheckpointStore,
  LocalPublicKeys,
} from '../functions/adapters/local/checkpoints.ts';
import { S3CheckpointStore } from '../functions/adapters/s3/checkpoint-store.ts';
import type { VerificationReport } from '../functions/domain/audit-seal.ts';
import type {
  AuditChainStore,
  CheckpointSigner,
  CheckpointStore,
  PublicKeyResolver,
} from '../functions/ports/audit-seal.ts';
import { sealAuditTrail } from '../functions/usecases/seal-audit-trail.ts';
import { verifyAuditTrailInStores } from '../functions/usecases/verify-audit-trail-in-stores.ts';
import { readRunnerInfo } from '../infra/local/runner-info.ts';
import { EXIT_DIVERGENCE, EXIT_OK, ServerError, UsageError } from './errors.ts';
import type { Io } from './io.ts';

export interface AuditTargetOptions {
  dataDir?: string;
  table?: string;
  bucket?: string;
  region?: string;
  signingKey?: string;
}

export interface AuditStores {
  /** What the stores are, for messages: `local runner data in …` / `table … and bucket …`. */
  describe: string;
  chains: AuditChainStore;
  checkpoints: CheckpointStore;
  keys: PublicKeyResolver;
  /** Present when the target can sign (local key, or `--signing-key`). */
  signer?: CheckpointSigner;
}

/** Builds the stores of a target; replaced in tests. */
export type AuditStoresFactory = (options: AuditTargetOptions, io: Io) => Promise<AuditStores>;

export const defaultAuditStores: AuditStoresFactory = async (options, io) => {
  if (options.table || options.bucket) {
    if (!options.table || !options.bucket) {
      throw new UsageError('a deployment needs both --table and --bucket (the stateful stack outputs)');
    }
    const region = options.region ?? (io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION);
    if (!region) throw new UsageError('--region (or AWS_REGION) is required with --table');
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region }));
    const kms = new KMSClient({ region });
    return {
      describe: `table ${options.table} and bucket ${options.bucket} (${region})`,
      chains: new DynamoAuditChainStore(doc, options.table),
      checkpoints: new S3CheckpointStore(new S3Client({ region }), options.bucket),
      keys: new KmsPublicKeys(kms),
      ...(options.signingKey ? { signer: new KmsCheckpointSigner(kms, options.signingKey) } : {}),
    };
  }
  const dataDir = path.resolve(io.cwd, options.dataDir ?? (io.env.RELIEF_DATA_DIR || '.local'));
  const runner = await readRunnerInfo(dataDir);
  if (!runner) {
    throw new UsageError(
      `no local runner is running with its data in ${dataDir} (no runner.json): start it (npm start), ` +
        'pass its --data-dir, or give --table and --bucket for a deployment',
    );
  }
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: runner.region,
      endpoint: runner.dynamodbEndpoint,
      credentials: runner.credentials,
      maxAttempts: 2,
    }),
  );
  return {
    describe: `local runner data in ${dataDir}`,
    chains: new DynamoAuditChainStore(doc, runner.tableName),
    checkpoints: new LocalCheckpointStore(runner.auditDir),
    keys: new LocalPublicKeys(runner.auditDir),
    signer: new LocalCheckpointSigner(runner.auditDir),
  };
};

/** Store failures (network, credentials, permissions) become exit 1 with the store named. */
async function reading<T>(stores: AuditStores, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UsageError || error instanceof CorruptCheckpointError) throw error;
    const e = error as Error;
    throw new ServerError(`${what} (${stores.describe}) failed: ${e.name}: ${e.message}`);
  }
}

export async function auditSeal(
  options: AuditTargetOptions & { full?: boolean },
  io: Io,
  factory: AuditStoresFactory = defaultAuditStores,
): Promise<number> {
  const stores = await factory(options, io);
  const signer = stores.signer;
  if (!signer) throw new UsageError('sealing a deployment needs --signing-key (the audit signing key ARN)');
  const result = await reading(stores, 'sealing', () =>
    sealAuditTrail(
      { chains: stores.chains, checkpoints: stores.checkpoints, signer, now: () => new Date() },
      { full: options.full === true },
    ),
  );
  const cp = result.checkpoint;
  io.stdout.write(
    cp
      ? `sealed checkpoint #${cp.seq}: ${cp.treeSize} chain(s), Merkle root ${cp.root}, key ${cp.keyId}\n`
      : 'nothing to seal: no audit chain changed since the last checkpoint\n',
  );
  // A chain that no longer verifies is not sealed (its last good seal stands) and stays pending: said on
  // stderr, alarmed when deployed; `relief audit verify` is the judge and exits 3 on it.
  for (const r of result.refused)
    io.stderr.write(`relief: not sealed, the stored chain does not verify: ${r.chainId}: ${r.reason}\n`);
  return EXIT_OK;
}

export async function auditVerify(
  options: AuditTargetOptions & { application?: string; chain?: string; full?: boolean; json?: boolean },
  io: Io,
  factory: AuditStoresFactory = defaultAuditStores,
): Promise<number> {
  if (options.application !== undefined && options.chain !== undefined) {
    throw new UsageError('give --application or --chain, not both');
  }
  let chainId: string | undefined;
  if (options.application !== undefined) {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(options.application)) {
      throw new UsageError(`--application: not an application id: ${JSON.stringify(options.application)}`);
    }
    chainId = applicationChainId(options.application);
  } else if (options.chain !== undefined) {
    if (!chainKeys(options.chain)) {
      throw new UsageError(
        '--chain: expected application/<id>, quota/<campaignId>/<highCourtCode>, campaign/<campaignId> or courts',
      );
    }
    chainId = options.chain;
  }
  if (chainId && options.full)
    throw new UsageError('--full verifies every chain: drop --application/--chain');
  const stores = await factory(options, io);
  let report: VerificationReport;
  try {
    report = await reading(stores, 'reading the audit trail', () =>
      verifyAuditTrailInStores(
        { chains: stores.chains, checkpoints: stores.checkpoints, keys: stores.keys },
        { ...(chainId ? { chainIds: [chainId] } : {}), full: options.full === true },
      ),
    );
  } catch (error) {
    if (!(error instanceof CorruptCheckpointError)) throw error;
    report = {
      ok: false,
      divergence: { code: 'CHECKPOINT_MALFORMED', message: error.message },
      checkpoints: 0,
      chains: 0,
      entries: 0,
      sealedLeaves: 0,
      unsealedEntries: 0,
    };
  }
  if (chainId && report.ok && report.chains === 0) {
    throw new UsageError(`no audit trail for ${chainId}: neither the table nor any checkpoint holds it`);
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (report.ok) {
    io.stdout.write(
      `audit trail verified (${stores.describe}): ${report.checkpoints} checkpoint(s), ${report.chains} chain(s), ` +
        `${report.entries} entries; ${report.sealedLeaves} sealed head(s) match, ` +
        `${report.unsealedEntries} entries newer than the last seal\n`,
    );
  } else {
    const d = report.divergence;
    const lines = [
      `DIVERGENCE ${d?.code}`,
      ...(d?.chainId ? [`  chain       ${d.chainId}`] : []),
      ...(d?.checkpointSeq !== undefined ? [`  checkpoint  #${d.checkpointSeq}`] : []),
      ...(d?.seq !== undefined ? [`  seq         ${d.seq}`] : []),
      `  ${d?.message}`,
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  return report.ok ? EXIT_OK : EXIT_DIVERGENCE;
}
