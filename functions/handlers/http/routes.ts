import type { Route } from '../../lib/http.ts';
import {
  createApplication,
  getApplication,
  getAudit,
  listApplications,
  patchApplication,
} from './applications.ts';
import { decideApplicationRoute, submitApplication } from './approval.ts';
import { createCampaignRoute, getCampaignAuditRoute, patchCampaignRoute } from './campaigns.ts';
import { closeApplicationRoute, getRulingRoute, recoveryRoute, resumeRoute } from './closure.ts';
import { getCourtAuditRoute, putCourtRoute } from './courts.ts';
import { getDocument, listDocuments, requestDocumentUpload } from './documents.ts';
import { eligibilityChecks } from './eligibility.ts';
import { insurerWebhook } from './insurer.ts';
import { getQuotaAuditRoute, getQuotaRoute, listQuotasRoute, putQuota } from './quotas.ts';
import { getCampaign, getCourt, listCampaigns, listCourts } from './reference.ts';
import { freezeReportRoute, getFrozenReport, getReport } from './reports.ts';
import { health, openapi } from './service.ts';
import { withdrawApplication } from './withdrawal.ts';

/**
 * Every deployed HTTP route, once. The local runner serves these, CDK (infra/) creates one
 * integration per entry, the OpenAPI document is generated from them, and the jurisdiction
 * matrix tests iterate them, so a new route cannot miss any of the four.
 */
export const apiRoutes: Route[] = [
  health,
  openapi,
  getCourt,
  listCourts,
  putCourtRoute,
  getCourtAuditRoute,
  listCampaigns,
  getCampaign,
  createCampaignRoute,
  patchCampaignRoute,
  getCampaignAuditRoute,
  createApplication,
  listApplications,
  getApplication,
  patchApplication,
  getAudit,
  withdrawApplication,
  requestDocumentUpload,
  listDocuments,
  getDocument,
  submitApplication,
  decideApplicationRoute,
  putQuota,
  listQuotasRoute,
  getQuotaRoute,
  getQuotaAuditRoute,
  insurerWebhook,
  getRulingRoute,
  closeApplicationRoute,
  resumeRoute,
  recoveryRoute,
  getReport,
  freezeReportRoute,
  getFrozenReport,
  eligibilityChecks,
];
