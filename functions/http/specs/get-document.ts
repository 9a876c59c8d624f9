import { defineSpec } from '../../lib/route-spec.ts';
import { COMMON_ERRORS, DocumentParams, DocumentWithUrl, problem } from '../schemas.ts';

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
