import type { RendererName } from '../lib/access.ts';
import type { TaskSpec } from './specs.ts';

/**
 * The document renderers (issue 12): functions that take the pure-data model a route built from the
 * table and return the file. They bundle docx or exceljs and no AWS client; the routes that read the
 * table bundle neither, and call them synchronously (functions/adapters/lambda/, access `render`).
 * Apart from specs.ts so that their bundles carry no zod: the workbook renderer is exceljs and little else.
 *
 * The route's timeout is 10 s (API Gateway gives up after 30): a renderer stops before the route does, so
 * a slow render answers 503 RENDER_UNAVAILABLE, not a gateway timeout. 1,024 MiB: Lambda's CPU follows the
 * memory, and a national workbook (3,500 courts) is CPU-bound.
 */
export interface RendererSpec extends TaskSpec {
  name: RendererName;
  trigger: 'invoke';
}

export const renderRulingDocx: RendererSpec = {
  name: 'renderRulingDocx',
  description: 'renderer: the termination ruling (终结执行裁定书) as .docx, for getRuling',
  trigger: 'invoke',
  access: {},
  timeoutSeconds: 8,
  memoryMiB: 1024,
};

export const renderReportDocx: RendererSpec = {
  name: 'renderReportDocx',
  description: 'renderer: the written report (书面报告) as .docx, for getReportSummary',
  trigger: 'invoke',
  access: {},
  timeoutSeconds: 8,
  memoryMiB: 1024,
};

export const renderReportXlsx: RendererSpec = {
  name: 'renderReportXlsx',
  description: 'renderer: the campaign report as .xlsx, for getReport',
  trigger: 'invoke',
  access: {},
  timeoutSeconds: 8,
  memoryMiB: 1024,
};

export const rendererSpecs: readonly RendererSpec[] = [renderRulingDocx, renderReportDocx, renderReportXlsx];
