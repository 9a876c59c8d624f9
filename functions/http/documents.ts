import * as z from 'zod';
import { defineSpec } from '../lib/route-spec.ts';
import { COMMON_ERRORS } from './applications.ts';
import { idempotent } from './idempotency.ts';
import {
  ApplicationParams,
  Document,
  DocumentParams,
  DocumentType as DocumentTypeSchema,
  DocumentWithUrl,
  problem,
  RequestUploadBody,
  Text,
  Upload,
} from './schemas.ts';

export const requestDocumentUpload = idempotent({
  operationId: 'requestDocumentUpload',
  method: 'POST',
  path: '/applications/{id}/documents',
  summary: 'Register a scan and get a presigned upload that accepts only the declared size, type and SHA-256',
  tags: ['documents'],
  auth: 'jwt',
  params: ApplicationParams,
  body: RequestUploadBody,
  responses: [
    {
      status: 201,
      description: 'Pending document and its upload (PUT the bytes to url with exactly these headers)',
      schema: z.object({
        documentId: z.string(),
        type: DocumentTypeSchema,
        status: z.literal('pending'),
        upload: Upload,
      }),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(
      409,
      'MATERIALS_FROZEN (the application is not draft or returned: materials freeze at submission), CAMPAIGN_NOT_OPEN',
    ),
  ],
  // Presigned upload: the URL is signed with this function's role, so the role needs PutObject + the data key.
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP', 'SEALQ'] }, bucket: 'write' },
});

export const listDocuments = defineSpec({
  operationId: 'listDocuments',
  method: 'GET',
  path: '/applications/{id}/documents',
  summary: "List an application's documents",
  tags: ['documents'],
  auth: 'jwt',
  params: ApplicationParams,
  responses: [
    {
      status: 200,
      description: 'All documents, oldest first',
      schema: z.object({ items: z.array(Document), nextCursor: z.null() }),
    },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
  ],
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'] } },
});

export const getDocument = defineSpec({
  operationId: 'getDocument',
  method: 'GET',
  path: '/applications/{id}/documents/{documentId}',
  summary: 'One document; when uploaded, with a presigned download url valid 5 minutes or less',
  tags: ['documents'],
  auth: 'jwt',
  params: DocumentParams,
  responses: [
    { status: 200, description: 'The document', schema: DocumentWithUrl },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
  ],
  // Presigned download, same reasoning with GetObject + kms:Decrypt.
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'] }, bucket: 'read' },
});

export const ReviewDocumentBody = z
  .strictObject({
    verdict: z.enum(['accepted', 'rejected']),
    reason: Text(2000).default('').meta({ description: 'Required (not blank) for a rejection' }),
  })
  .meta({ id: 'DocumentReview' });

export const reviewDocument = idempotent({
  operationId: 'reviewDocument',
  method: 'POST',
  path: '/applications/{id}/documents/{documentId}/review',
  summary:
    'Accept or reject one uploaded scan (材料审查): the executing court’s clerk before submission, or the approver where the application waits (who must then return it)',
  tags: ['documents'],
  auth: 'jwt',
  params: DocumentParams,
  body: ReviewDocumentBody,
  responses: [
    {
      status: 200,
      description: 'The reviewed document (`rejected` with its review, or still `uploaded`)',
      schema: Document,
    },
    ...COMMON_ERRORS,
    problem(403, 'NOT_PENDING_AT_YOUR_COURT (an approver of another level), ROLE_FORBIDDEN'),
    problem(404, 'Unknown application or document, or outside your jurisdiction'),
    problem(
      409,
      'DOCUMENT_NOT_UPLOADED (still pending), DOCUMENT_ALREADY_REJECTED, MATERIALS_FROZEN (a clerk after submission), INVALID_STATUS, VERSION_CONFLICT',
    ),
    problem(422, 'REVIEW_REASON_REQUIRED (a rejection without a reason)'),
  ],
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP', 'SEALQ'] } },
});
