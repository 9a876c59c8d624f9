import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../functions/http/openapi.ts';
import { apiRoutes } from '../../../functions/http/routes.ts';

// biome-ignore lint/suspicious/noExplicitAny: the document is asserted field by field
const doc: any = buildOpenApiDocument(apiRoutes);

/**
 * A route that answers one status in several representations (JSON, a .docx, CSV, a workbook) documents
 * every one of them: a later file representation must not drop the JSON schema the console's typed
 * client reads.
 */
describe('OpenAPI: several representations of one status', () => {
  it('keeps the ruling as JSON and as .docx', () => {
    const content = doc.paths['/applications/{id}/ruling'].get.responses['200'].content;
    expect(Object.keys(content).sort()).toEqual([
      'application/json',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ]);
    expect(JSON.stringify(content['application/json'].schema)).toContain('paragraphs');
  });

  it('keeps the report as JSON, CSV and xlsx', () => {
    const content = doc.paths['/campaigns/{campaignId}/reports'].get.responses['200'].content;
    expect(Object.keys(content).sort()).toEqual([
      'application/json',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv',
    ]);
    expect(content['text/csv'].schema).toEqual({ type: 'string', format: 'binary' });
  });
});
