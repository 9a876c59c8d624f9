import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  CSV_HEADERS,
  displayWidth,
  humanTime,
  reportCsv,
} from '../../../functions/adapters/render/report-export.ts';
import { reportXlsx } from '../../../functions/adapters/render/report-xlsx.ts';
import type { CampaignReport, CourtReport, HighCourtReport } from '../../../functions/domain/report.ts';

const EFFECTS = '救助困难群众二人，化解信访隐患一件，群众满意。\n下一步继续做好救助工作。';

const lower = (courtCode: string, name: string, amountFen: number): CourtReport => ({
  courtCode,
  name,
  cases: 1,
  persons: 1,
  amountFen,
  paid: 1,
  byCategory: { 'labor-remuneration': { paid: 1, amountFen } },
  pending: 1,
  approved: 1,
  rejected: 0,
  returned: 0,
  declined: 0,
  resumed: 0,
  recoveredFen: 12_345,
  approvalTimes: [],
});

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
  effectsVersion: 0,
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
    {
      ...court('TJ', '天津市高级人民法院', 6_000_000),
      byCourt: [
        lower('TJ0104', '天津市南开区人民法院', 3_000_000),
        lower('TJ01', '天津市第一中级人民法院', 3_000_000),
      ],
      effects: EFFECTS,
      effectsUpdatedAt: '2026-11-30T02:00:00.000Z',
    },
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

  it('the workbook: every court with activity (按法院) with its figures, and each high court’s narrative (取得的效果)', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await reportXlsx(report)) as unknown as ArrayBuffer);
    const byCourt = book.getWorksheet('按法院') as ExcelJS.Worksheet;
    expect((byCourt.getRow(1).values as unknown[]).slice(1, 7)).toEqual([
      '高级人民法院代码',
      '高级人民法院',
      '法院代码',
      '法院',
      '救助案件数',
      '救助人数',
    ]);
    const nankai = byCourt.getRow(2);
    expect((nankai.values as unknown[]).slice(1, 7)).toEqual([
      'TJ',
      '天津市高级人民法院',
      'TJ0104',
      '天津市南开区人民法院',
      1,
      1,
    ]);
    expect(nankai.getCell(7).value).toBe(30000);
    expect(nankai.getCell(7).numFmt).toBe('#,##0.00');
    expect(nankai.getCell(13).value).toBe(123.45);
    expect(nankai.getCell(13).numFmt).toBe('#,##0.00');
    expect(byCourt.getRow(3).getCell(3).value).toBe('TJ01');
    expect(byCourt.rowCount).toBe(3); // BT has no court with activity
    expect(byCourt.getColumn(4).width).toBeGreaterThanOrEqual(displayWidth('天津市第一中级人民法院'));
    expect(byCourt.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(byCourt.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1 });
    const effects = book.getWorksheet('取得的效果') as ExcelJS.Worksheet;
    expect((effects.getRow(2).values as unknown[]).slice(1)).toEqual([
      'TJ',
      '天津市高级人民法院',
      EFFECTS,
      '2026年11月30日 10:00（北京时间）',
    ]);
    expect(effects.getRow(3).getCell(3).value).toBe('（尚未填写）');
    expect(effects.getColumn(3).width).toBe(80);
    expect(effects.getRow(2).getCell(3).alignment).toMatchObject({ wrapText: true });
    expect(effects.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(effects.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1 });
  });

  it('the CSV keeps its BOM and writes the dates in words', () => {
    const csv = reportCsv(report);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const [header, ...lines] = parse(csv, { bom: true }) as string[][];
    // A table a program reads as it is: every row as wide as the header, the dates in words last.
    expect(lines.every((l) => l.length === header?.length)).toBe(true);
    expect(header).toEqual([...CSV_HEADERS]);
    expect(header?.slice(-2)).toEqual(['生成时间', '报送截止']);
    expect(lines[0]?.at(-2)).toBe('2026年12月1日 15:15（北京时间）');
    expect(csv).not.toContain('2026-12-01T07:15');
    expect(csv).not.toContain('2026-11-30T02:00');
    const col = (name: string) => (header ?? []).indexOf(name);
    const cell = (line: string[] | undefined, name: string) => line?.[col(name)];
    // The high court's jurisdiction, then its courts, then the next high court, then the national total.
    expect(lines.map((l) => [l[0], l[2], l[3]])).toEqual([
      ['TJ', '', '辖区合计'],
      ['TJ', 'TJ0104', '天津市南开区人民法院'],
      ['TJ', 'TJ01', '天津市第一中级人民法院'],
      ['BT', '', '辖区合计'],
      ['合计', '', ''],
    ]);
    const [tj, nankai] = lines;
    expect(cell(tj, '发放救助金额（元）')).toBe('60000.00');
    expect(cell(tj, '分配额度（元）')).toBe('1000000.00');
    expect(cell(tj, '取得的效果')).toBe(EFFECTS);
    expect(cell(tj, '取得的效果更新时间')).toBe('2026年11月30日 10:00（北京时间）');
    expect(cell(nankai, '发放救助金额（元）')).toBe('30000.00');
    expect(cell(nankai, '执行回款（元）')).toBe('123.45');
    expect(cell(nankai, '分配额度（元）')).toBe(''); // the quota is the high court's
    expect(cell(nankai, '取得的效果')).toBe('');
    expect(cell(lines.at(-1), '发放救助金额（元）')).toBe('61234.56');
  });
});
