import { renderReportDocx } from '../../adapters/render/report-docx.ts';
import { defineRenderer } from '../../lib/render-payload.ts';
import type { RenderModels } from '../../ports/renderer.ts';
import { renderReportDocx as spec } from '../../tasks/render-specs.ts';

/** The written report's .docx (书面报告) from the model getReportSummary built (domain/written-report.ts). */
export { spec };
export const handler = defineRenderer<RenderModels['renderReportDocx']>(renderReportDocx);
