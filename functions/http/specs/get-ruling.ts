import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { ApplicationParams, COMMON_ERRORS, DOCX, problem } from '../schemas.ts';

export const getRuling = defineSpec({
  operationId: 'getRuling',
  method: 'GET',
  path: '/applications/{id}/ruling',
  summary: `The termination ruling (终结执行裁定书) once paid; as .docx with Accept: ${DOCX}`,
  tags: ['closure'],
  auth: 'jwt',
  params: ApplicationParams,
  responses: [
    {
      status: 200,
      description: 'Ruling text with the mandated paragraph and closing reason verbatim',
      schema: z.object({ text: z.string(), closingReason: z.string(), paragraphs: z.array(z.string()) }),
    },
    { status: 200, description: 'The ruling as a Word document', contentType: DOCX },
    ...COMMON_ERRORS,
    problem(404, 'Unknown or outside your jurisdiction'),
    problem(409, 'NOT_PAID'),
    problem(
      503,
      'RENDER_UNAVAILABLE: the renderer of the .docx did not answer; retry after Retry-After seconds',
    ),
  ],
  access: { table: { read: ['APP', 'CAMPAIGNS', 'COURTS'] }, render: 'renderRulingDocx' },
});
