import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type App, Aws, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { CodeMode } from '../constructs/relief-function.ts';
import { ensureConsoleBuild } from '../local/console.ts';
import { type HandlerCatalog, handlerCatalog, STATE_MACHINES_DIR } from './catalog.ts';
import { ConsoleStack } from './console-stack.ts';
import { type Settings, settingsFromContext } from './settings.ts';
import {
  auditBucketNameFor,
  documentsBucketNameFor,
  insurerSecretNameFor,
  StatefulStack,
} from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface ReliefAppOptions {
  /** Default: read from the app's context (cdk.json, `-c`). */
  settings?: Settings;
  /** Default: read from the specs (functions/http/routes.ts, functions/tasks/specs.ts). */
  catalog?: HandlerCatalog;
  /** Default: statemachines/. */
  stateMachinesDir?: string;
  /** Default `esbuild`. `stub` skips bundling and is for assertion tests only. */
  code?: CodeMode;
  /**
   * The console build to deploy. Default: web/dist, built first (offline, `vite build`) unless it was built
   * from exactly the current sources; in `stub` mode a placeholder page (assertion tests need no build).
   */
  consoleAssetsDir?: string;
}

export interface ReliefApp {
  settings: Settings;
  stateful: StatefulStack;
  stateless: StatelessStack;
  console: ConsoleStack;
}

/**
 * The relief deployment: a stateful and a stateless stack per stage, passed resources by typed
 * props, checked by cdk-nag (AwsSolutions) during synthesis. Shared by infra/app.ts and the tests.
 */
export async function buildReliefApp(app: App, options: ReliefAppOptions = {}): Promise<ReliefApp> {
  const settings = options.settings ?? settingsFromContext(app.node);
  const catalog = options.catalog ?? handlerCatalog();
  const env = { region: settings.region, ...(settings.account ? { account: settings.account } : {}) };
  const prefix = `relief-${settings.stage}`;
  const documentsBucketName = documentsBucketNameFor(
    settings.stage,
    settings.account ?? Aws.ACCOUNT_ID,
    settings.region,
  );
  const auditBucketName = auditBucketNameFor(
    settings.stage,
    settings.account ?? Aws.ACCOUNT_ID,
    settings.region,
  );

  // The console's own host name is a browser origin of the API and of the presigned document URLs.
  const corsAllowedOrigins = [
    ...new Set([
      ...settings.corsAllowedOrigins,
      ...(settings.consoleDomainName ? [`https://${settings.consoleDomainName}`] : []),
    ]),
  ];
  const code = options.code ?? 'esbuild';
  const consoleAssetsDir =
    options.consoleAssetsDir ??
    (code === 'stub'
      ? placeholderConsole()
      : (await ensureConsoleBuild((line) => process.stderr.write(`relief: ${line}\n`))).dist);

  const stateful = new StatefulStack(app, `${prefix}-stateful`, {
    env,
    stackName: `${prefix}-stateful`,
    description:
      'relief: data (KMS key, DynamoDB table, documents bucket, insurer secret, sealed audit checkpoints); retained on deletion',
    terminationProtection: true,
    corsAllowedOrigins,
    documentsBucketName,
    insurerSecretName: insurerSecretNameFor(settings.stage),
    auditCheckpointRetentionDays: settings.auditCheckpointRetentionDays,
    auditBucketName,
  });
  const stateless = new StatelessStack(app, `${prefix}-stateless`, {
    env,
    stackName: `${prefix}-stateless`,
    description: 'relief: functions, HTTP API, state machines, alarms',
    settings: { ...settings, corsAllowedOrigins },
    catalog,
    table: stateful.table,
    dataKey: stateful.dataKey,
    insurerSecret: stateful.insurerSecret,
    auditCheckpoints: { bucketName: auditBucketName, signingKey: stateful.auditCheckpoints.signingKey },
    documentsBucketName,
    stateMachinesDir: options.stateMachinesDir ?? STATE_MACHINES_DIR,
    code,
  });
  const consoleStack = new ConsoleStack(app, `${prefix}-console`, {
    env,
    stackName: `${prefix}-console`,
    description:
      'relief: the web console (private bucket; CloudFront where the stage may serve public content)',
    settings,
    apiUrl: stateless.apiStage.url,
    apiOrigin: stateless.apiOrigin,
    documentsBucketName,
    assetsDir: consoleAssetsDir,
  });

  Tags.of(app).add('project', 'relief');
  Tags.of(app).add('stage', settings.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { settings, stateful, stateless, console: consoleStack };
}

/** A one-page stand-in for web/dist, for assertion tests that synthesise without building the console. */
function placeholderConsole(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'relief-console-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><title>relief</title><script type="module" src="/console/assets/index.js"></script>\n',
  );
  writeFileSync(path.join(dir, 'assets', 'index.js'), 'export {};\n');
  return dir;
}
