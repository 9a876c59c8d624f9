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
  access: { table: 'write', bucket: 'write' },
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
  access: { table: 'read' },
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
  access: { table: 'read', bucket: 'read' },
});
