import type { DeclaredRoute, RouteSpec } from '../lib/route-spec.ts';
import {
  createApplication,
  getApplication,
  getApplicationAudit,
  listApplications,
  patchApplication,
} from './applications.ts';
import { decideApplication, decideBatch, submitApplication } from './approval.ts';
import { createCampaign, getCampaignAudit, patchCampaign } from './campaigns.ts';
import { closeApplication, getRuling, liftMeasure, recordRecovery, resumeEnforcement } from './closure.ts';
import { getCourtAudit, importCourts, putCourt } from './courts.ts';
import { getDocument, listDocuments, requestDocumentUpload, reviewDocument } from './documents.ts';
import { checkEligibility } from './eligibility.ts';
import { getInsurerPackage, insurerWebhook, redeliverInsurerPackage } from './insurer.ts';
import { dismissResumption, listDueChecks, recordAssetCheck } from './monitoring.ts';
import { getQuota, getQuotaAudit, listQuotas, putQuota } from './quotas.ts';
import { createReconciliation, getReconciliation } from './reconciliations.ts';
import { getCampaign, getCourt, listCampaigns, listCourts } from './reference.ts';
import { getReliefFund } from './relief-fund.ts';
import { freezeReport, getFrozenReport, getReport, getReportSummary, putReportNarrative } from './reports.ts';
import { health, openapi } from './service.ts';
import { withdrawApplication } from './withdrawal.ts';

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
