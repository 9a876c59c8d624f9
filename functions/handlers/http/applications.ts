import * as z from 'zod';
import { verifyChain } from '../../domain/audit-chain.ts';
import { BadRequestError, PreconditionRequiredError } from '../../lib/errors.ts';
import { defineRoute } from '../../lib/http.ts';
import type { ApplicationRecord, ApplicationStatus } from '../../ports/applications.ts';
import type { StoredResponse } from '../../ports/idempotency.ts';
import {
  applicationView,
  createApplication as createApplicationUseCase,
  etagOf,
  listApplications as listApplicationsUseCase,
  loadVisible,
  patchApplication as patchApplicationUseCase,
  versionFromIfMatch,
} from '../../usecases/applications.ts';
import { authenticator, deps } from '../deps.ts';
import { defineIdempotentRoute } from './idempotency.ts';
import {
  Application,
  ApplicationParams,
  AuditEntry,
  CreateApplicationBody,
  ListApplicationsQuery,
  Page,
  PatchApplicationBody,
  problem,
} from './schemas.ts';

export const COMMON_ERRORS = [
  problem(
    400,
    'Malformed or invalid request: VALIDATION_FAILED, MALFORMED_JSON, or INVALID_TEXT (a control character, bidi override or lone surrogate in a text field; each path in errors)',
  ),
  problem(401, 'Missing or invalid token'),
  problem(403, 'Role not allowed'),
];

export { idempotencyHeader } from './idempotency.ts';

export const createApplication = defineIdempotentRoute(
  {
    operationId: 'createApplication',
    method: 'POST',
    path: '/applications',
    summary: 'Create an application (创建救助申请) for one applicant in one case',
    tags: ['applications'],
    auth: 'jwt',
    roles: ['clerk'],
    body: CreateApplicationBody,
    responses: [
      { status: 201, description: 'Created as draft', schema: Application },
      ...COMMON_ERRORS,
      problem(409, 'DUPLICATE_APPLICATION or CAMPAIGN_NOT_OPEN'),
      problem(
        422,
        'INELIGIBLE (every failing condition in errors), ID_TYPE_MISMATCH (a valid resident ID number sent with idType other), UNKNOWN_CAMPAIGN, IDEMPOTENCY_KEY_REUSED',
      ),
    ],
  },
  authenticator,
  (response: StoredResponse) => response,
  (req, idempotency) => createApplicationUseCase(deps(), req.principal, req.body, idempotency),
);

export const getApplication = defineRoute(
  {
    operationId: 'getApplication',
    method: 'GET',
    path: '/applications/{id}',
    summary: 'Read one application within your jurisdiction',
    tags: ['applications'],
    auth: 'jwt',
    params: ApplicationParams,
    responses: [
      { status: 200, description: 'The application', schema: Application },
      ...COMMON_ERRORS,
      problem(404, 'Unknown or outside your jurisdiction'),
    ],
  },
  authenticator,
  async (req) => {
    const app = await loadVisible(deps(), req.principal, req.params.id);
    return { status: 200, body: applicationView(app, req.principal), headers: { etag: etagOf(app) } };
  },
);

export const listApplications = defineRoute(
  {
    operationId: 'listApplications',
    method: 'GET',
    path: '/applications',
    summary: 'List applications within your jurisdiction, newest first',
    tags: ['applications'],
    auth: 'jwt',
    query: ListApplicationsQuery,
    responses: [
      { status: 200, description: 'A page', schema: Page(Application) },
      ...COMMON_ERRORS,
      problem(404, 'courtCode outside your jurisdiction'),
      problem(422, 'CAMPAIGN_REQUIRED (SPC)'),
    ],
  },
  authenticator,
  async (req) => {
    const page = await listApplicationsUseCase(deps(), req.principal, {
      ...req.query,
      status: req.query.status as ApplicationStatus | undefined,
    });
    return {
      status: 200,
      body: { items: page.items.map((a) => applicationView(a, req.principal)), nextCursor: page.nextCursor },
    };
  },
);

export const patchApplication = defineIdempotentRoute(
  {
    operationId: 'patchApplication',
    method: 'PATCH',
    path: '/applications/{id}',
    summary: 'Edit a draft or returned application (If-Match required)',
    tags: ['applications'],
    auth: 'jwt',
    params: ApplicationParams,
    body: PatchApplicationBody,
    headers: [{ name: 'If-Match', required: true, description: 'The ETag you read.' }],
    responses: [
      { status: 200, description: 'Updated', schema: Application },
      ...COMMON_ERRORS,
      problem(404, 'Unknown or outside your jurisdiction'),
      problem(409, 'VERSION_CONFLICT, INVALID_STATUS, DUPLICATE_APPLICATION'),
      problem(422, 'INELIGIBLE, ID_TYPE_MISMATCH'),
      problem(428, 'IF_MATCH_REQUIRED'),
    ],
  },
  authenticator,
  (app: ApplicationRecord, req) => ({
    status: 200,
    body: applicationView(app, req.principal),
    headers: { etag: etagOf(app) },
  }),
  async (req, idempotency) => {
    const ifMatch = req.headers['if-match'];
    const version = versionFromIfMatch(ifMatch);
    if (ifMatch === undefined)
      throw new PreconditionRequiredError('IF_MATCH_REQUIRED', 'Send If-Match with the ETag you read.');
    if (version === undefined)
      throw new BadRequestError('INVALID_IF_MATCH', 'If-Match must be an ETag from this API, e.g. "v3".');
    return patchApplicationUseCase(deps(), req.principal, req.params.id, version, req.body, idempotency);
  },
);

export const getAudit = defineRoute(
  {
    operationId: 'getApplicationAudit',
    method: 'GET',
    path: '/applications/{id}/audit',
    summary: 'The hash-chained audit trail (全程留痕) of an application, with its verification',
    tags: ['applications'],
    auth: 'jwt',
    params: ApplicationParams,
    responses: [
      {
        status: 200,
        description:
          'Entries oldest first (an array, per the contract). The header Audit-Chain says whether the hash chain verifies: `valid`, or `broken; seq=N; reason=R`.',
        schema: z.array(AuditEntry),
      },
      ...COMMON_ERRORS,
      problem(404, 'Unknown or outside your jurisdiction'),
    ],
  },
  authenticator,
  async (req) => {
    const app = await loadVisible(deps(), req.principal, req.params.id);
    const items = await deps().repo.listAudit(req.params.id);
    // Anchored at the head kept on the application, so a removed newest entry is detected too. Entries
    // written after the application was read are newer than that head: they are returned, not judged.
    const verification = verifyChain(
      items.filter((e) => e.seq <= app.auditSeq),
      { head: { seq: app.auditSeq, hash: app.auditHead } },
    );
    const chainHeader = verification.valid
      ? 'valid'
      : `broken; seq=${verification.brokenAtSeq}; reason=${verification.reason}`;
    return { status: 200, body: items, headers: { 'audit-chain': chainHeader } };
  },
);
