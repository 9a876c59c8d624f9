import { reportDeps } from '../../factories/dynamodb.ts';
import { authenticator } from '../../factories/verifier.ts';
import { getReport as spec, XLSX } from '../../http/specs/get-report.ts';
import { defineRoute } from '../../lib/http.ts';
import { campaignReport } from '../../usecases/reports.ts';

export const route = defineRoute(spec, authenticator, async (req) => {
  const report = await campaignReport(reportDeps(), req.principal, req.params.campaignId);
  const accept = req.headers.accept ?? '';
  if (accept.includes(XLSX) || accept.includes('text/csv')) {
    // Only these Accept headers render a file: the exporters load then, not at every cold start.
    const { reportCsv, reportXlsx } = await import('../../adapters/report-export.ts');
    if (accept.includes(XLSX)) {
      return {
        status: 200,
        raw: { contentType: XLSX, data: await reportXlsx(report) },
        headers: { 'content-disposition': `attachment; filename="report-${report.campaignId}.xlsx"` },
      };
    }
    return {
      status: 200,
      raw: { contentType: 'text/csv; charset=utf-8', data: reportCsv(report) },
      headers: { 'content-disposition': `attachment; filename="report-${report.campaignId}.csv"` },
    };
  }
  return { status: 200, body: report };
});
export const { handler } = route;
