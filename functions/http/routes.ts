import type { DeclaredRoute, RouteSpec } from '../lib/route-spec.ts';
import { checkEligibility } from './specs/check-eligibility.ts';
import { closeApplication } from './specs/close-application.ts';
import { createApplication } from './specs/create-application.ts';
import { createCampaign } from './specs/create-campaign.ts';
import { createReconciliation } from './specs/create-reconciliation.ts';
import { decideApplication } from './specs/decide-application.ts';
import { decideBatch } from './specs/decide-batch.ts';
import { dismissResumption } from './specs/dismiss-resumption.ts';
import { freezeReport } from './specs/freeze-report.ts';
import { getApplication } from './specs/get-application.ts';
import { getApplicationAudit } from './specs/get-application-audit.ts';
import { getCampaign } from './specs/get-campaign.ts';
import { getCampaignAudit } from './specs/get-campaign-audit.ts';
import { getCourt } from './specs/get-court.ts';
import { getCourtAudit } from './specs/get-court-audit.ts';
import { getDocument } from './specs/get-document.ts';
import { getFrozenReport } from './specs/get-frozen-report.ts';
import { getInsurerPackage } from './specs/get-insurer-package.ts';
import { getQuota } from './specs/get-quota.ts';
import { getQuotaAudit } from './specs/get-quota-audit.ts';
import { getReconciliation } from './specs/get-reconciliation.ts';
import { getReliefFund } from './specs/get-relief-fund.ts';
import { getReport } from './specs/get-report.ts';
import { getReportSummary } from './specs/get-report-summary.ts';
import { getRuling } from './specs/get-ruling.ts';
import { health } from './specs/health.ts';
import { importCourts } from './specs/import-courts.ts';
import { insurerWebhook } from './specs/insurer-webhook.ts';
import { liftMeasure } from './specs/lift-measure.ts';
import { listApplications } from './specs/list-applications.ts';
import { listCampaigns } from './specs/list-campaigns.ts';
import { listCourts } from './specs/list-courts.ts';
import { listDocuments } from './specs/list-documents.ts';
import { listDueChecks } from './specs/list-due-checks.ts';
import { listQuotas } from './specs/list-quotas.ts';
import { openapi } from './specs/openapi.ts';
import { patchApplication } from './specs/patch-application.ts';
import { patchCampaign } from './specs/patch-campaign.ts';
import { putCourt } from './specs/put-court.ts';
import { putQuota } from './specs/put-quota.ts';
import { putReportNarrative } from './specs/put-report-narrative.ts';
import { recordAssetCheck } from './specs/record-asset-check.ts';
import { recordRecovery } from './specs/record-recovery.ts';
import { redeliverInsurerPackage } from './specs/redeliver-insurer-package.ts';
import { requestDocumentUpload } from './specs/request-document-upload.ts';
import { requestDocumentUploads } from './specs/request-document-uploads.ts';
import { resumeEnforcement } from './specs/resume-enforcement.ts';
import { reviewDocument } from './specs/review-document.ts';
import { submitApplication } from './specs/submit-application.ts';
import { withdrawApplication } from './specs/withdraw-application.ts';

/**
 * Every deployed HTTP route, once, as its spec (pure data). Each has one Lambda entry,
 * functions/entries/http/<operation-id>.ts (lib/route-spec.ts routeEntryPath); CDK creates one
 * function and one API route per spec with the grants of its `access`, the local runner mounts the
 * same entries, the OpenAPI document is generated from the specs, and the jurisdiction matrix tests
 * iterate them, so a new route cannot miss any of these.
 */
const specs: RouteSpec[] = [
  health,
  openapi,
  getCourt,
  listCourts,
  putCourt,
  importCourts,
  getCourtAudit,
  listCampaigns,
  getCampaign,
  createCampaign,
  patchCampaign,
  getCampaignAudit,
  createApplication,
  listApplications,
  getApplication,
  patchApplication,
  getApplicationAudit,
  withdrawApplication,
  requestDocumentUpload,
  requestDocumentUploads,
  listDocuments,
  getDocument,
  reviewDocument,
  submitApplication,
  decideApplication,
  decideBatch,
  putQuota,
  listQuotas,
  getQuota,
  getQuotaAudit,
  insurerWebhook,
  getInsurerPackage,
  redeliverInsurerPackage,
  createReconciliation,
  getReconciliation,
  getRuling,
  closeApplication,
  resumeEnforcement,
  recordRecovery,
  liftMeasure,
  recordAssetCheck,
  dismissResumption,
  listDueChecks,
  getReliefFund,
  getReport,
  freezeReport,
  getFrozenReport,
  putReportNarrative,
  getReportSummary,
  checkEligibility,
];

export const apiRoutes: readonly DeclaredRoute[] = specs.map((spec) => ({ spec }));
