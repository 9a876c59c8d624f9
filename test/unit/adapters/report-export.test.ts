import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { displayWidth, humanTime, reportCsv, reportXlsx } from '../../../functions/adapters/report-export.ts';
import type { CampaignReport, HighCourtReport } from '../../../functions/domain/report.ts';

const court = (code: string, name: string, amountFen: number): HighCourtReport => ({
  highCourtCode: code,
  name,
  cases: 2,
  persons: 2,
  amountFen,
  paid: 2,
  byCategory: { 'labor-remuneration': { paid: 2, amountFen } },
  pending: 0,
  approved: 2,
  rejected: 0,
  returned: 0,
  declined: 0,
  resumed: 0,
  recoveredFen: 0,
  quota: {
    allocatedFen: 100_000_000,
    reservedFen: 0,
    disbursedFen: amountFen,
    remainingFen: 100_000_000 - amountFen,
  },
  byCourt: [],
  approvalTimes: [],
  effects: null,
  effectsUpdatedAt: null,
});

const report: CampaignReport = {
  campaignId: 'demo',
  campaignName: '司法救助专项活动',
  reportDue: '2027-02-11T23:59:59.999+08:00',
  generatedAt: '2026-12-01T07:15:07.960Z',
  totals: {
    cases: 4,
    persons: 4,
    amountFen: 6_123_456,
    paid: 4,
    pending: 0,
    rejected: 0,
    declined: 0,
    recoveredFen: 0,
    approvalTimes: [],
  },
  byHighCourt: [
    court('TJ', '天津市高级人民法院', 6_000_000),
    court('BT', '新疆维吾尔自治区高级人民法院生产建设兵团分院', 123_456),
  ],
  reconciliation: {
    reportAmountFen: 0,
    quotaDisbursedFen: 0,
    insurerConfirmedFen: 0,
    consistent: true,
    differences: [],
  },
};

describe('report exports a person opens', () => {
  it('writes instants as Beijing time in words', () => {
    expect(humanTime('2026-12-01T07:15:07.960Z')).toBe('2026年12月1日 15:15（北京时间）');
    expect(humanTime('2027-02-11T23:59:59.999+08:00')).toBe('2027年2月11日 23:59（北京时间）');
    expect(displayWidth('TJ天津')).toBe(6);
  });

  it('the workbook: dates in words, amounts as numbers in yuan with #,##0.00, widths from content, frozen header, landscape fit to width', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await reportXlsx(report)) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('汇总') as ExcelJS.Worksheet;
    expect(sheet.getRow(2).getCell(1).value).toBe(
      '生成时间 2026年12月1日 15:15（北京时间）；报送截止 2027年2月11日 23:59（北京时间）',
    );
    const tj = sheet.getRow(4);
    expect(tj.getCell(1).value).toBe('TJ');
    expect(tj.getCell(5).value).toBe(60000);
    expect(tj.getCell(5).numFmt).toBe('#,##0.00');
    expect(sheet.getRow(5).getCell(5).value).toBe(1234.56);
    expect(sheet.getRow(6).getCell(5).value).toBe(61234.56);
    // The longest court name (22 CJK characters) fits: width at least twice its length.
    expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(44);
    expect(sheet.getColumn(1).width).toBeLessThan(30);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(sheet.pageSetup).toMatchObject({
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    });
    const byCategory = book.getWorksheet('按案件类别') as ExcelJS.Worksheet;
    expect(byCategory.getRow(2).getCell(4).value).toBe(60000);
    expect(byCategory.getRow(2).getCell(4).numFmt).toBe('#,##0.00');
    expect(byCategory.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('the CSV keeps its BOM and writes the dates in words', () => {
    const csv = reportCsv(report);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const [header, ...lines] = parse(csv, { bom: true }) as string[][];
    // A table a program reads as it is: every row as wide as the header, the dates in words last.
    expect(lines.every((l) => l.length === header?.length)).toBe(true);
    expect(header?.slice(-2)).toEqual(['生成时间', '报送截止']);
    expect(lines[0]?.at(-2)).toBe('2026年12月1日 15:15（北京时间）');
    expect(csv).not.toContain('2026-12-01T07:15');
    expect(csv).toContain('TJ,天津市高级人民法院,2,2,60000.00');
  });
});
