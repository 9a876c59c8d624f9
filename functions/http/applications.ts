import * as z from 'zod';
import { defineSpec } from '../lib/route-spec.ts';
import { idempotent } from './idempotency.ts';
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

export const createApplication = idempotent({
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
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'DUP', 'IDEMP', 'SEALQ'] } },
});

export const getApplication = defineSpec({
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
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'] } },
});

export const listApplications = defineSpec({
  operationId: 'listApplications',
  method: 'GET',
  path: '/applications',
  summary:
    'List applications within your jurisdiction, newest first (the approver’s queue with pendingAt: oldest first)',
  tags: ['applications'],
  auth: 'jwt',
  query: ListApplicationsQuery,
  responses: [
    { status: 200, description: 'A page', schema: Page(Application) },
    ...COMMON_ERRORS,
    problem(403, 'QUEUE_NOT_YOURS (pendingAt names another court)'),
    problem(404, 'courtCode outside your jurisdiction'),
    problem(422, 'CAMPAIGN_REQUIRED (SPC)'),
  ],
  // APP: gsi1-3 hold only what the list filters on; a page reads its items by key (BatchGetItem).
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'], indexes: ['gsi1', 'gsi2', 'gsi3', 'gsi5'] } },
});

export const patchApplication = idempotent({
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
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'DUP', 'IDEMP', 'REPORT', 'SEALQ'] } },
});

export const getApplicationAudit = defineSpec({
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
        "Entries oldest first (an array, per the contract): the application's own chain and each document's chain (grant, upload, rejection, reviews; those entries carry `documentId`, and their seq is on that document's chain), merged by time. Each submission and decision anchors the heads of the document chains it read (`detail.documentChains`). The header Audit-Chain says whether every chain and anchor verifies: `valid`, or `broken; seq=N; reason=R` (with `; document=<id>` when the break is on a document's chain or its anchor).",
      schema: z.array(AuditEntry),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
  ],
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'] } },
});
