import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoCampaignStore } from '../adapters/dynamo-campaigns.ts';
import { clock } from '../factories/clock.ts';
import {
  applicationRepository,
  campaignStore,
  documentClient,
  quotaLedger,
  reportStore,
} from '../factories/dynamodb.ts';
import { insurerClient } from '../factories/insurer.ts';
import { documentStorage } from '../factories/s3.ts';
import { approvalWorkflow } from '../factories/sfn.ts';
import { authenticator as verifier } from '../factories/verifier.ts';
import type { Authenticator } from '../lib/http.ts';
import type { ApprovalDeps } from '../usecases/approval.ts';
import type { DocumentDeps } from '../usecases/documents.ts';
import type { PayoutDeps } from '../usecases/payouts.ts';
import type { QuotaDeps } from '../usecases/quotas.ts';
import type { ReportDeps } from '../usecases/reports.ts';

/**
 * Transitional: every dependency, built lazily from the per-client factories (functions/factories/),
 * each of which parses its own configuration and fails with the variable's name.
 */
export interface Deps extends DocumentDeps, ApprovalDeps, QuotaDeps, PayoutDeps, ReportDeps {
  campaignStore: DynamoCampaignStore;
  doc: DynamoDBDocumentClient;
}

export function deps(): Deps {
  return {
    get doc() {
      return documentClient();
    },
    get repo() {
      return applicationRepository();
    },
    get campaigns() {
      return campaignStore();
    },
    get campaignStore() {
      return campaignStore();
    },
    get storage() {
      return documentStorage();
    },
    get quotas() {
      return quotaLedger();
    },
    get reports() {
      return reportStore();
    },
    get workflow() {
      return approvalWorkflow();
    },
    insurer: insurerClient,
    ...clock,
  };
}

export const authenticator = (): Authenticator => verifier();
