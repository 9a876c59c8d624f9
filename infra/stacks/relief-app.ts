import { type App, Aws, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { CodeMode } from '../constructs/relief-function.ts';
import { type HandlerCatalog, handlerCatalog, STATE_MACHINES_DIR } from './catalog.ts';
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
}

export interface ReliefApp {
  settings: Settings;
  stateful: StatefulStack;
  stateless: StatelessStack;
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

  const stateful = new StatefulStack(app, `${prefix}-stateful`, {
    env,
    stackName: `${prefix}-stateful`,
    description:
      'relief: data (KMS key, DynamoDB table, documents bucket, insurer secret, sealed audit checkpoints); retained on deletion',
    terminationProtection: true,
    corsAllowedOrigins: settings.corsAllowedOrigins,
    documentsBucketName,
    insurerSecretName: insurerSecretNameFor(settings.stage),
    auditCheckpointRetentionDays: settings.auditCheckpointRetentionDays,
    auditBucketName,
  });
  const stateless = new StatelessStack(app, `${prefix}-stateless`, {
    env,
    stackName: `${prefix}-stateless`,
    description: 'relief: functions, HTTP API, state machines, alarms',
    settings,
    catalog,
    table: stateful.table,
    dataKey: stateful.dataKey,
    insurerSecret: stateful.insurerSecret,
    auditCheckpoints: { bucketName: auditBucketName, signingKey: stateful.auditCheckpoints.signingKey },
    documentsBucketName,
    stateMachinesDir: options.stateMachinesDir ?? STATE_MACHINES_DIR,
    code: options.code ?? 'esbuild',
  });

  Tags.of(app).add('project', 'relief');
  Tags.of(app).add('stage', settings.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { settings, stateful, stateless };
}
