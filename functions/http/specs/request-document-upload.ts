import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import {
  ApplicationParams,
  COMMON_ERRORS,
  DocumentType as DocumentTypeSchema,
  problem,
  RequestUploadBody,
  Upload,
} from '../schemas.ts';

/** One pending document and its presigned upload (the single grant's answer, and each of a batch's). */
export const UploadGrantResult = z.object({
  documentId: z.string(),
  type: DocumentTypeSchema,
  status: z.literal('pending'),
  upload: Upload,
});

/** What refuses a grant, single or batch. */
export const GRANT_ERRORS = [
  ...COMMON_ERRORS,
  problem(404, 'Unknown or outside your jurisdiction'),
  problem(
    409,
    'MATERIALS_FROZEN (the application is not draft or returned: materials freeze at submission), CAMPAIGN_NOT_OPEN',
  ),
];

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
      schema: UploadGrantResult,
    },
    ...GRANT_ERRORS,
  ],
  // Presigned upload: the URL is signed with this function's role, so the role needs PutObject + the data key.
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP'] }, bucket: 'write' },
});
