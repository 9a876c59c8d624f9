import type { CampaignReport } from '../domain/report.ts';
import type { Ruling } from '../domain/ruling.ts';
import type { WrittenReport } from '../domain/written-report.ts';
import type { RendererName } from '../lib/access.ts';

/** The model each renderer takes: pure data (JSON), built by the route from what it read. */
export interface RenderModels {
  renderRulingDocx: { ruling: Ruling; meta: { courtName: string; caseNumber: string } };
  renderReportDocx: WrittenReport;
  renderReportXlsx: CampaignReport;
}

/**
 * Renders one kind of document from its model (deployed: a renderer function invoked synchronously,
 * functions/adapters/lambda/renderer.ts). Throws RenderUnavailableError when no file comes back.
 */
export interface DocumentRenderer<N extends RendererName> {
  render(model: RenderModels[N]): Promise<Buffer>;
}
