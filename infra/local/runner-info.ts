import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * `<dataDir>/runner.json`, written by a running local runner (and removed when it stops), so that
 * tools outside its process (`relief audit seal|verify --data-dir`) find its DynamoDB Local, which
 * listens on a free port chosen at start. Local development credentials only.
 */
export const RUNNER_INFO_FILE = 'runner.json';

export interface RunnerInfo {
  pid: number;
  url: string;
  region: string;
  tableName: string;
  dynamodbEndpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Local signing key and write-once checkpoint folder (functions/adapters/local/checkpoints.ts). */
  auditDir: string;
}

export async function writeRunnerInfo(dataDir: string, info: RunnerInfo): Promise<void> {
  await writeFile(path.join(dataDir, RUNNER_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`, {
    mode: 0o600,
  });
}

export async function removeRunnerInfo(dataDir: string): Promise<void> {
  await rm(path.join(dataDir, RUNNER_INFO_FILE), { force: true });
}

export async function readRunnerInfo(dataDir: string): Promise<RunnerInfo | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, RUNNER_INFO_FILE), 'utf8')) as RunnerInfo;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
