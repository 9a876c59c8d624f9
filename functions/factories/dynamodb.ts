import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { DynamoApplicationRepository } from '../adapters/dynamodb/applications.ts';
import { DynamoAuditChainStore } from '../adapters/dynamodb/audit-chains.ts';
import { DynamoCampaignStore } from '../adapters/dynamodb/campaigns.ts';
import { DynamoCourtStore } from '../adapters/dynamodb/courts.ts';
import { readIdempotency } from '../adapters/dynamodb/idempotency.ts';
import { DynamoQuotaLedger } from '../adapters/dynamodb/quotas.ts';
import { DynamoReconciliationStore } from '../adapters/dynamodb/reconciliations.ts';
import { DynamoReportStore } from '../adapters/dynamodb/reports.ts';
import { once, readEnv, required } from '../lib/config.ts';
import type { IdempotencyStore } from '../lib/idempotency.ts';
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

const env = /* @__PURE__ */ once(() => readEnv(Env));

export const documentClient = /* @__PURE__ */ once(() => {
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

export const applicationRepository = /* @__PURE__ */ once(
  () => new DynamoApplicationRepository(documentClient(), tableName(), clock.now),
);
/**
 * Where an idempotent route looks up a recorded key (lib/idempotency.ts): one consistent GetItem, so a
 * route whose use case writes no application does not bundle the application store for it.
 */
export const idempotencyStore = /* @__PURE__ */ once(
  (): IdempotencyStore => ({
    getIdempotency: (scope, key) => readIdempotency(documentClient(), tableName(), scope, key),
  }),
);
export const campaignStore = /* @__PURE__ */ once(
  () => new DynamoCampaignStore(documentClient(), tableName()),
);
/** The court registry (table data, cached per container for a few seconds). */
export const courtStore = /* @__PURE__ */ once(
  () => new DynamoCourtStore(documentClient(), tableName(), clock.now),
);
export const auditChainStore = /* @__PURE__ */ once(
  () => new DynamoAuditChainStore(documentClient(), tableName()),
);
export const quotaLedger = /* @__PURE__ */ once(
  () => new DynamoQuotaLedger(documentClient(), tableName(), clock.now),
);
export const reconciliationStore = /* @__PURE__ */ once(
  () => new DynamoReconciliationStore(documentClient(), tableName(), clock.now),
);
export const reportStore = /* @__PURE__ */ once(
  () => new DynamoReportStore(documentClient(), tableName(), clock.now),
);

/** What every application use case takes (usecases/applications.ts ApplicationDeps). */
export const applicationDeps = /* @__PURE__ */ once(() => ({
  repo: applicationRepository(),
  campaigns: campaignStore(),
  courts: courtStore(),
  ...clock,
}));

/** What the report use cases take (usecases/reports.ts ReportDeps). */
export const reportDeps = /* @__PURE__ */ once(() => ({
  reports: reportStore(),
  quotas: quotaLedger(),
  campaigns: campaignStore(),
  courts: courtStore(),
  now: clock.now,
}));
