import { reportDeps } from '../../factories/dynamodb.ts';
import { reportXlsxRenderer } from '../../factories/renderer.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getReport as spec, XLSX } from '../../http/specs/get-report.ts';
import { defineRoute } from '../../lib/http.ts';
import { campaignReport } from '../../usecases/get-campaign-report.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const report = await campaignReport(reportDeps(), req.principal, req.params.campaignId);
  const accept = req.headers.accept ?? '';
  if (accept.includes(XLSX) || accept.includes('text/csv')) {
    if (accept.includes(XLSX)) {
      // The workbook renders in the renderer's function (exceljs is not in this bundle).
      return {
        status: 200,
        raw: { contentType: XLSX, data: await reportXlsxRenderer().render(report) },
        headers: { 'content-disposition': `attachment; filename="report-${report.campaignId}.xlsx"` },
      };
    }
    // Only this Accept writes CSV: the exporter loads then, not at every cold start.
    const { reportCsv } = await import('../../adapters/render/report-export.ts');
    return {
      status: 200,
      raw: { contentType: 'text/csv; charset=utf-8', data: reportCsv(report) },
      headers: { 'content-disposition': `attachment; filename="report-${report.campaignId}.csv"` },
    };
  }
  return { status: 200, body: report };
});
export const { handler } = route;
