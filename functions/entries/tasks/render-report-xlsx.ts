import { reportXlsx } from '../../adapters/render/report-xlsx.ts';
import { defineRenderer } from '../../lib/render-payload.ts';
import type { RenderModels } from '../../ports/renderer.ts';
import { renderReportXlsx as spec } from '../../tasks/render-specs.ts';

/** The campaign report's workbook from the report getReport built (domain/report.ts). */
export { spec };
export const handler = defineRenderer<RenderModels['renderReportXlsx']>(reportXlsx);
