import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { DynamoApplicationRepository } from '../adapters/dynamo-applications.ts';
import { DynamoAuditChainStore } from '../adapters/dynamo-audit-chains.ts';
import { DynamoCampaignStore } from '../adapters/dynamo-campaigns.ts';
import { DynamoCourtStore } from '../adapters/dynamo-courts.ts';
import { DynamoQuotaLedger } from '../adapters/dynamo-quotas.ts';
import { DynamoReconciliationStore } from '../adapters/dynamo-reconciliations.ts';
import { DynamoReportStore } from '../adapters/dynamo-reports.ts';
import { once, readEnv, required } from '../lib/config.ts';
import { localEndpointSigner } from '../lib/local-signer.ts';
import { clock } from './clock.ts';

/**
 * The DynamoDB document client and the table's adapters. Configured by CDK's `bindTable` (TABLE_NAME);
 * DYNAMODB_ENDPOINT only in the local runner.
 */
const Env = z.object({
  AWS_REGION: required(),
  TABLE_NAME: required(),
  DYNAMODB_ENDPOINT: z.optional(z.url()),
});

const env = once(() => readEnv(Env));

export const documentClient = once(() => {
  const { AWS_REGION, DYNAMODB_ENDPOINT } = env();
  const client = new DynamoDBClient({
    region: AWS_REGION,
    ...(DYNAMODB_ENDPOINT
      ? { endpoint: DYNAMODB_ENDPOINT, signer: localEndpointSigner(AWS_REGION, 'dynamodb') }
      : {}),
    maxAttempts: 5,
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
});

export const tableName = (): string => env().TABLE_NAME;

export const applicationRepository = once(
  () => new DynamoApplicationRepository(documentClient(), tableName(), clock.now),
);
export const campaignStore = once(() => new DynamoCampaignStore(documentClient(), tableName()));
/** The court registry (table data, cached per container for a few seconds). */
export const courtStore = once(() => new DynamoCourtStore(documentClient(), tableName(), clock.now));
export const auditChainStore = once(() => new DynamoAuditChainStore(documentClient(), tableName()));
export const quotaLedger = once(() => new DynamoQuotaLedger(documentClient(), tableName(), clock.now));
export const reconciliationStore = once(
  () => new DynamoReconciliationStore(documentClient(), tableName(), clock.now),
);
export const reportStore = once(() => new DynamoReportStore(documentClient(), tableName(), clock.now));

/** What every application use case takes (usecases/applications.ts ApplicationDeps). */
export const applicationDeps = once(() => ({
  repo: applicationRepository(),
  campaigns: campaignStore(),
  courts: courtStore(),
  ...clock,
}));

/** What the report use cases take (usecases/reports.ts ReportDeps). */
export const reportDeps = once(() => ({
  reports: reportStore(),
  quotas: quotaLedger(),
  campaigns: campaignStore(),
  courts: courtStore(),
  now: clock.now,
}));
