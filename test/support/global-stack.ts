import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import type { LocalStack } from '../../infra/local/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    s3Endpoint: string;
    dynamoEndpoint: string;
    webhookSecret: string;
    /** The stack's data directory (runner.json, the local audit key and checkpoints). */
    dataDir: string;
  }
}

let stack: LocalStack | undefined;
let dir: string | undefined;

/** One local stack (fresh, in a temp dir, on a free port) for the whole e2e project. */
export async function setup(project: TestProject) {
  dir = mkdtempSync(path.join(tmpdir(), 'relief-e2e-'));
  // Handler logs at WARN in tests (set before the handler modules load); the stack itself logs nothing.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const { startLocalStack } = await import('../../infra/local/stack.ts');
  stack = await startLocalStack({
    dataDir: dir,
    fresh: true,
    port: 0,
    console: true,
    insurer: {
      payDelayMs: 150,
      // Accounts ending 7777 are "paid" a fen too much, so the AMOUNT_MISMATCH path runs end to end.
      payoutAmountFen: (pkg) =>
        pkg.bankAccount.accountNumber.endsWith('7777') ? pkg.reliefAmountFen + 1 : pkg.reliefAmountFen,
    },
  });
  project.provide('baseUrl', stack.url);
  project.provide('s3Endpoint', stack.endpoints.s3);
  project.provide('dynamoEndpoint', stack.endpoints.dynamodb);
  project.provide('webhookSecret', stack.webhookSecret);
  project.provide('dataDir', stack.dataDir);
}

export async function teardown() {
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
