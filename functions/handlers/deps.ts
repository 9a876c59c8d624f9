import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { DynamoApplicationRepository } from '../adapters/dynamo-applications.ts';
import { DynamoCampaignStore } from '../adapters/dynamo-campaigns.ts';
import { DynamoCourtStore } from '../adapters/dynamo-courts.ts';
import { DynamoQuotaLedger } from '../adapters/dynamo-quotas.ts';
import { DynamoReportStore } from '../adapters/dynamo-reports.ts';
import { HttpInsurerClient } from '../adapters/http-insurer.ts';
import { S3DocumentStorage } from '../adapters/s3-document-storage.ts';
import { createS3Client } from '../adapters/s3-documents.ts';
import { SfnWorkflow } from '../adapters/sfn-workflow.ts';
import { createTokenVerifier } from '../lib/auth.ts';
import { ConfigError, config } from '../lib/config.ts';
import type { Authenticator } from '../lib/http.ts';
import { insurerSecrets } from '../lib/secrets.ts';
import type { ApprovalDeps } from '../usecases/approval.ts';
import type { DocumentDeps } from '../usecases/documents.ts';
import type { PayoutDeps } from '../usecases/payouts.ts';
import type { QuotaDeps } from '../usecases/quotas.ts';
import type { ReportDeps } from '../usecases/reports.ts';

/**
 * The composition root (style §4): clients and adapters are built once per cold start from the
 * parsed configuration, lazily so that a module can be imported (e.g. for the route table or the
 * OpenAPI document) without any configuration.
 */
export interface Deps extends DocumentDeps, ApprovalDeps, QuotaDeps, PayoutDeps, ReportDeps {
  campaignStore: DynamoCampaignStore;
  courts: DynamoCourtStore;
  authenticator: Authenticator;
  doc: DynamoDBDocumentClient;
}

let built: Deps | undefined;

export function deps(): Deps {
  built ??= build();
  return built;
}

function build(): Deps {
  const cfg = config();
  const dynamo = new DynamoDBClient({
    region: cfg.AWS_REGION,
    ...(cfg.DYNAMODB_ENDPOINT ? { endpoint: cfg.DYNAMODB_ENDPOINT } : {}),
    maxAttempts: 5,
  });
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const now = () => new Date();
  const s3 = createS3Client({
    region: cfg.AWS_REGION,
    ...(cfg.S3_ENDPOINT ? { endpoint: cfg.S3_ENDPOINT } : {}),
  });
  const verifier = createTokenVerifier({
    issuer: cfg.JWT_ISSUER,
    audience: cfg.JWT_AUDIENCE,
    jwks: cfg.JWKS_URL ? { url: cfg.JWKS_URL } : { keys: JSON.parse(cfg.JWKS_JSON as string).keys },
  });
  const campaignStore = new DynamoCampaignStore(doc, cfg.TABLE_NAME);
  const sfn = new SFNClient({
    region: cfg.AWS_REGION,
    ...(cfg.SFN_ENDPOINT ? { endpoint: cfg.SFN_ENDPOINT } : {}),
  });
  const workflow = new SfnWorkflow(sfn, cfg.STATE_MACHINE_ARN ?? 'arn:unset:states:::stateMachine:unset');
  return {
    doc,
    repo: new DynamoApplicationRepository(doc, cfg.TABLE_NAME, now),
    campaigns: campaignStore,
    campaignStore,
    courts: new DynamoCourtStore(doc, cfg.TABLE_NAME, now),
    storage: new S3DocumentStorage(s3, cfg.DOCUMENTS_BUCKET, {
      uploadTtlSeconds: cfg.UPLOAD_URL_TTL_SECONDS,
      downloadTtlSeconds: cfg.DOWNLOAD_URL_TTL_SECONDS,
    }),
    authenticator: { authenticate: (header) => verifier.verify(header) },
    quotas: new DynamoQuotaLedger(doc, cfg.TABLE_NAME, now),
    reports: new DynamoReportStore(doc, cfg.TABLE_NAME, now),
    insurer: () => {
      if (!cfg.INSURER_ENDPOINT) throw new ConfigError('Invalid configuration: INSURER_ENDPOINT is not set');
      return new HttpInsurerClient(cfg.INSURER_ENDPOINT, async () => (await insurerSecrets()).packageSecret);
    },
    workflow,
    now,
    newId: () => ulid(),
  };
}

export const authenticator = (): Authenticator => deps().authenticator;
