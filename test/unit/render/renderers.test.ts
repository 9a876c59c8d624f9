import { gzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { renderReportDocx } from '../../../functions/adapters/render/report-docx.ts';
import { reportXlsx } from '../../../functions/adapters/render/report-xlsx.ts';
import { renderRulingDocx } from '../../../functions/adapters/render/ruling-docx.ts';
import type { Campaign } from '../../../functions/domain/campaigns.ts';
import { CATEGORIES } from '../../../functions/domain/eligibility.ts';
import type { CampaignReport, CourtReport, HighCourtReport } from '../../../functions/domain/report.ts';
import { buildRuling } from '../../../functions/domain/ruling.ts';
import { writtenReport } from '../../../functions/domain/written-report.ts';
import * as reportDocxEntry from '../../../functions/entries/tasks/render-report-docx.ts';
import * as reportXlsxEntry from '../../../functions/entries/tasks/render-report-xlsx.ts';
import * as rulingDocxEntry from '../../../functions/entries/tasks/render-ruling-docx.ts';
import { fileOf, modelOf, renderRequest } from '../../../functions/lib/render-payload.ts';
import { rendererSpecs } from '../../../functions/tasks/render-specs.ts';
import { SYNC_PAYLOAD_LIMIT_BYTES } from '../../../infra/local/lambda.ts';
import { docxContent } from '../../support/docx.ts';

/** What a route sends, as Lambda carries it (JSON), and what the renderer answers, as the route reads it. */
async function invoke(handler: (payload: unknown) => Promise<unknown>, model: unknown) {
  const request = JSON.stringify(renderRequest(model));
  const response = JSON.stringify(await handler(JSON.parse(request)));
  return { request, response, file: fileOf(JSON.parse(response)) };
}

const rulingInput = {
  courtName: '北京市东城区人民法院',
  caseNumber: '(2018)京0101执1234号',
  applicantName: '张三',
  categoryLabelZh: '追索劳动报酬',
  reliefAmountFen: 3_000_000,
  paidAt: '2026-11-24T17:30:00Z',
  transactionRef: 'PICC-20261125-0001',
};

const approvalTimes = [
  { level: 'basic' as const, decided: 12, totalHours: 130.5, meanHours: 10.9, p90Hours: 24, overLimit: 0 },
  {
    level: 'intermediate' as const,
    decided: 11,
    totalHours: 301.2,
    meanHours: 27.4,
    p90Hours: 48,
    overLimit: 1,
  },
  { level: 'high' as const, decided: 10, totalHours: 88, meanHours: 8.8, p90Hours: null, overLimit: 0 },
];
const byCategory = Object.fromEntries(
  CATEGORIES.map((c, i) => [c, { paid: i + 1, amountFen: 1_234_567 * (i + 1) }]),
);
const figures = {
  cases: 21,
  persons: 19,
  amountFen: 45_678_901,
  paid: 20,
  byCategory,
  pending: 3,
  approved: 20,
  rejected: 1,
  returned: 2,
  declined: 1,
  resumed: 1,
  recoveredFen: 123_456,
  approvalTimes,
};

/** A national report: `courts` courts with activity, spread over 32 high courts, every figure filled in. */
function nationalReport(courts: number): CampaignReport {
  const highCourts = 32;
  const byHighCourt: HighCourtReport[] = Array.from({ length: highCourts }, (_, h) => {
    const code = `H${String(h).padStart(2, '0')}`;
    const byCourt: CourtReport[] = Array.from({ length: Math.ceil(courts / highCourts) }, (_, c) => ({
      courtCode: `${code}${String(c).padStart(4, '0')}`,
      name: `某某省某某市某某区人民法院${c}`,
      ...figures,
    })).slice(
      0,
      Math.max(0, Math.min(Math.ceil(courts / highCourts), courts - h * Math.ceil(courts / highCourts))),
    );
    return {
      highCourtCode: code,
      name: `某某省高级人民法院${h}`,
      ...figures,
      quota: {
        allocatedFen: 900_000_000,
        reservedFen: 1_000_000,
        disbursedFen: 45_678_901,
        remainingFen: 853_321_099,
      },
      byCourt,
      effects: '救助困难群众二人，化解信访隐患一件，群众满意。'.repeat(20),
      effectsUpdatedAt: '2026-12-01T07:15:07.960Z',
      effectsVersion: 3,
    };
  });
  return {
    campaignId: 'national',
    campaignName: '司法救助专项活动',
    reportDue: '2027-02-11T23:59:59.999+08:00',
    generatedAt: '2026-12-01T07:15:07.960Z',
    totals: { ...figures },
    byHighCourt,
    reconciliation: {
      reportAmountFen: 0,
      quotaDisbursedFen: 0,
      insurerConfirmedFen: 0,
      consistent: true,
      differences: [],
    },
  } as unknown as CampaignReport;
}

describe('the renderer functions (functions/entries/tasks/render-*.ts)', () => {
  it('are the three renderer specs, each exported by its entry', () => {
    expect(rendererSpecs.map((s) => s.name)).toEqual([
      'renderRulingDocx',
      'renderReportDocx',
      'renderReportXlsx',
    ]);
    expect([rulingDocxEntry.spec, reportDocxEntry.spec, reportXlsxEntry.spec]).toEqual(rendererSpecs);
  });

  it('renderRulingDocx: the ruling model in, the same .docx as rendering in process out', async () => {
    const ruling = buildRuling(rulingInput);
    const meta = { courtName: rulingInput.courtName, caseNumber: rulingInput.caseNumber };
    const { file } = await invoke(rulingDocxEntry.handler, { ruling, meta });
    expect(file.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(docxContent(file)).toEqual(docxContent(await renderRulingDocx(ruling, meta)));
    expect(docxContent(file).paragraphs.filter((p) => p !== '')).toEqual(ruling.paragraphs);
  });

  it('renderRulingDocx: a model that is not a ruling fails the invocation (the route answers 503)', async () => {
    await expect(
      rulingDocxEntry.handler(renderRequest({ ruling: { paragraphs: [] }, meta: {} })),
    ).rejects.toThrow();
    await expect(rulingDocxEntry.handler({})).rejects.toThrow(TypeError);
  });

  it('renderReportDocx: the written report in, the same .docx out (text and tables)', async () => {
    const report = nationalReport(40);
    const campaign: Campaign = {
      id: 'national',
      name: '司法救助专项活动',
      preparation: { start: '2026-10-01T00:00:00+08:00', end: '2026-10-14T23:59:59.999+08:00' },
      handling: { start: '2026-10-15T00:00:00+08:00', end: '2027-01-31T23:59:59.999+08:00' },
      reportDue: report.reportDue,
      standardLimitFen: 5_000_000,
      specialLimitFen: 10_000_000,
    };
    const written = writtenReport({ report, campaign, highCourtCode: 'H01' });
    const { file } = await invoke(reportDocxEntry.handler, written);
    expect(docxContent(file)).toEqual(docxContent(await renderReportDocx(written)));
    expect(docxContent(file).tables.length).toBeGreaterThan(0);
  });

  it('renderReportXlsx: the report in, a workbook with the same sheets and cells out', async () => {
    const report = nationalReport(64);
    const { file } = await invoke(reportXlsxEntry.handler, report);
    const cells = async (buf: Buffer) => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(buf as unknown as ArrayBuffer);
      return book.worksheets.map((w) => ({
        name: w.name,
        rows: w.getSheetValues().map((r) => JSON.stringify(r)),
      }));
    };
    const got = await cells(file);
    expect(got.map((s) => s.name)).toEqual(['汇总', '按案件类别', '按法院', '取得的效果']);
    expect(got).toEqual(await cells(await reportXlsx(report)));
  });

  /**
   * Lambda's synchronous payloads are at most 6 MB each way. Measured here for a national report of
   * 3,500 courts (every figure and category filled, a long narrative per high court): 3.5 MB of JSON,
   * 0.06 MB as sent (gzipped, base64); the workbook back is 0.24 MB in base64.
   */
  it('keeps a national report (3,500 courts) far under the 6 MB payload limit both ways', async () => {
    const report = nationalReport(3500);
    expect(report.byHighCourt.reduce((n, h) => n + h.byCourt.length, 0)).toBe(3500);
    const json = Buffer.byteLength(JSON.stringify(report));
    const { request, response, file } = await invoke(reportXlsxEntry.handler, report);
    // Without gzip the model alone would use half the limit, and grow with every field added.
    expect(json).toBeGreaterThan(2_000_000);
    expect(request.length).toBeLessThan(SYNC_PAYLOAD_LIMIT_BYTES / 10);
    expect(response.length).toBeLessThan(SYNC_PAYLOAD_LIMIT_BYTES / 4);
    expect(file.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(modelOf(JSON.parse(request))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(gzipSync(JSON.stringify(report)).length).toBeLessThan(json / 10);
  }, 120_000);
});
