import * as z from 'zod';
import { idempotent } from '../idempotency.ts';
import { ApplicationParams, RequestUploadBody } from '../schemas.ts';
import { GRANT_ERRORS, UploadGrantResult } from './request-document-upload.ts';

/** At most a dozen scans in one grant: 2 items a document keeps the transaction far below 100. */
export const MAX_DOCUMENTS_PER_BATCH = 12;

export const RequestUploadBatchBody = z
  .strictObject({
    documents: z.array(RequestUploadBody).min(1).max(MAX_DOCUMENTS_PER_BATCH),
  })
  .meta({ id: 'RequestUploadBatch' });

export const requestDocumentUploads = idempotent({
  operationId: 'requestDocumentUploads',
  method: 'POST',
  path: '/applications/{id}/document-batches',
  summary:
    'Register up to 12 scans of one application at once and get a presigned upload for each (all or none)',
  tags: ['documents'],
  auth: 'jwt',
  params: ApplicationParams,
  body: RequestUploadBatchBody,
  responses: [
    {
      status: 201,
      description:
        'One pending document and its upload per entry, in the order given (PUT each file to its url with exactly its headers). Each entry is validated and granted exactly as `POST /applications/{id}/documents` would; any refusal refuses the whole batch, nothing written. With Idempotency-Key the whole batch is recorded.',
      schema: z.object({ documents: z.array(UploadGrantResult) }),
    },
    ...GRANT_ERRORS,
  ],
  // Presigned uploads: the URLs are signed with this function's role, so the role needs PutObject + the data key.
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'IDEMP'] }, bucket: 'write' },
});
