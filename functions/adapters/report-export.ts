import { stringify } from 'csv-stringify/sync';
import type { Worksheet } from 'exceljs';
// The Workbook alone, not the package index with its streaming reader and writer (functions/types/exceljs-workbook.d.ts).
import Workbook from 'exceljs/lib/doc/workbook.js';
import { CATEGORIES, CATEGORY_LABELS_ZH } from '../domain/eligibility.ts';
import { humanTime } from '../domain/human-time.ts';
import { formatYuan } from '../domain/money.ts';
import type { CampaignReport, CourtReport, HighCourtReport } from '../domain/report.ts';

const yuan = (fen: number) => formatYuan(fen).replaceAll(',', '');
/** Yuan as a number for a spreadsheet cell (shown with YUAN_FORMAT), exact to the fen. */
const yuanNumber = (fen: number) => fen / 100;
const YUAN_FORMAT = '#,##0.00';
/** The narrative column's width (characters): prose wraps within it. */
const NARRATIVE_WIDTH = 80;

export { humanTime } from '../domain/human-time.ts';

/** Display width of a cell's text: CJK and full-width characters count double. */
export function displayWidth(value: unknown): number {
  let width = 0;
  for (const ch of String(value ?? '')) {
    width +=
      /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{20000}-\u{3FFFD}]/u.test(
        ch,
      )
        ? 2
        : 1;
  }
  return width;
}

/** The figures every row carries, a high court's (its jurisdiction) or a court's. */
const FIGURE_HEADERS = [
  '救助案件数',
  '救助人数',
  '发放救助金额（元）',
  '已发放申请数',
  '审批中',
  '驳回',
  '保险公司拒付',
  '恢复执行',
  '执行回款（元）',
];
const QUOTA_HEADERS = ['分配额度（元）', '预留额度（元）', '已发放额度（元）', '剩余额度（元）'];

/** The summary sheet's columns: one row per high court and the national total. */
const HEADERS = ['高级人民法院代码', '高级人民法院', ...FIGURE_HEADERS, ...QUOTA_HEADERS];

type Money = (fen: number) => string | number;
type Figures = Pick<
  CourtReport,
  | 'cases'
  | 'persons'
  | 'amountFen'
  | 'paid'
  | 'pending'
  | 'rejected'
  | 'declined'
  | 'resumed'
  | 'recoveredFen'
>;

const figureCells = (f: Figures, money: Money) => [
  f.cases,
  f.persons,
  money(f.amountFen),
  f.paid,
  f.pending,
  f.rejected,
  f.declined,
  f.resumed,
  money(f.recoveredFen),
];

const quotaCells = (q: HighCourtReport['quota'], money: Money) => [
  money(q.allocatedFen),
  money(q.reservedFen),
  money(q.disbursedFen),
  money(q.remainingFen),
];

/** The national figures (the totals; resumptions and quota summed over the high courts' rows). */
function nationalCells(report: CampaignReport, money: Money) {
  const t = report.totals;
  const sum = (pick: (r: HighCourtReport) => number) => report.byHighCourt.reduce((a, r) => a + pick(r), 0);
  return {
    figures: figureCells({ ...t, resumed: sum((r) => r.resumed) }, money),
    quota: [
      money(sum((r) => r.quota.allocatedFen)),
      money(sum((r) => r.quota.reservedFen)),
      money(sum((r) => r.quota.disbursedFen)),
      money(sum((r) => r.quota.remainingFen)),
    ],
  };
}

function rows(report: CampaignReport, money: Money = yuan): (string | number)[][] {
  const body = report.byHighCourt.map((r) => [
    r.highCourtCode,
    r.name,
    ...figureCells(r, money),
    ...quotaCells(r.quota, money),
  ]);
  const national = nationalCells(report, money);
  body.push(['合计', '', ...national.figures, ...national.quota]);
  return body;
}

/** Columns of HEADERS that hold money (yuan): numbers with YUAN_FORMAT in the workbook. */
const moneyColumns = (headers: readonly string[]) =>
  headers.flatMap((h, i) => (h.endsWith('（元）') ? [i + 1] : []));
const MONEY_COLUMNS = moneyColumns(HEADERS);

/** The report's two dates in words (Beijing time), for the title lines of the CSV and the workbook. */
function dateLine(report: CampaignReport): string {
  return `生成时间 ${humanTime(report.generatedAt)}；报送截止 ${humanTime(report.reportDue)}`;
}

/** The CSV's columns: each high court's row, then its courts' rows (byCourt), then the national total. */
export const CSV_HEADERS = [
  '高级人民法院代码',
  '高级人民法院',
  '法院代码',
  '法院',
  ...FIGURE_HEADERS,
  ...QUOTA_HEADERS,
  '取得的效果',
  '取得的效果更新时间',
  '生成时间',
  '报送截止',
] as const;

/** The row of a high court's own jurisdiction in the CSV's 法院 column (its courts follow it). */
export const JURISDICTION_ROW = '辖区合计';

/**
 * The report as CSV with Chinese headers (UTF-8 with BOM so spreadsheet programs read the Chinese). A
 * table and nothing else — one header row, every row as wide — so a program (the CLI, the insurer's
 * finance tools) parses it as it is: per high court its jurisdiction's row (法院 辖区合计, with its
 * quota and its narrative of effects), then one row per court with activity (byCourt; the quota is the
 * high court's, so blank there), then the national 合计. Dates in words (Beijing time); amounts in yuan.
 */
export function reportCsv(report: CampaignReport): string {
  const generated = humanTime(report.generatedAt);
  const due = humanTime(report.reportDue);
  const noQuota = QUOTA_HEADERS.map(() => '');
  const lines: (string | number)[][] = [];
  for (const r of report.byHighCourt) {
    lines.push([
      r.highCourtCode,
      r.name,
      '',
      JURISDICTION_ROW,
      ...figureCells(r, yuan),
      ...quotaCells(r.quota, yuan),
      r.effects ?? '',
      r.effectsUpdatedAt ? humanTime(r.effectsUpdatedAt) : '',
    ]);
    for (const c of r.byCourt)
      lines.push([r.highCourtCode, r.name, c.courtCode, c.name, ...figureCells(c, yuan), ...noQuota, '', '']);
  }
  const national = nationalCells(report, yuan);
  lines.push(['合计', '', '', '', ...national.figures, ...national.quota, '', '']);
  return `\uFEFF${stringify([[...CSV_HEADERS], ...lines.map((line) => [...line, generated, due])])}`;
}

/** Widths from content (CJK counts double), bounded so one long cell does not take the page. */
function fitColumns(sheet: Worksheet, fromRow: number) {
  sheet.columns.forEach((column, i) => {
    let widest = 6;
    sheet.eachRow((row, n) => {
      if (n < fromRow) return;
      const cell = row.getCell(i + 1);
      const text =
        typeof cell.value === 'number' && cell.numFmt === YUAN_FORMAT
          ? cell.value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
          : cell.value;
      widest = Math.max(widest, displayWidth(text));
    });
    column.width = Math.min(widest + 2, 60);
  });
}

/** Landscape, fit to one page wide, the header row repeated and frozen. */
function printable(sheet: Worksheet, headerRow: number) {
  sheet.views = [{ state: 'frozen', ySplit: headerRow, xSplit: 0 }];
  sheet.pageSetup = {
    ...sheet.pageSetup,
    orientation: 'landscape',
    paperSize: 9,
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: `${headerRow}:${headerRow}`,
  };
}

/** The report as an .xlsx workbook: the summary sheet and a by-category sheet. */
export async function reportXlsx(report: CampaignReport): Promise<Buffer> {
  const book = new Workbook();
  book.creator = 'relief';
  book.created = new Date(report.generatedAt);
  const summary = book.addWorksheet('汇总');
  summary.addRow([`${report.campaignName}（${report.campaignId}）工作情况统计`]);
  summary.addRow([dateLine(report)]);
  summary.addRow(HEADERS).font = { bold: true };
  for (const r of rows(report, yuanNumber)) {
    const row = summary.addRow(r);
    for (const c of MONEY_COLUMNS) row.getCell(c).numFmt = YUAN_FORMAT;
  }
  fitColumns(summary, 3);
  printable(summary, 3);
  const byCategory = book.addWorksheet('按案件类别');
  byCategory.addRow([
    '高级人民法院代码',
    '高级人民法院',
    ...CATEGORIES.flatMap((c) => [`${CATEGORY_LABELS_ZH[c]}（件）`, `${CATEGORY_LABELS_ZH[c]}（元）`]),
  ]).font = {
    bold: true,
  };
  for (const r of report.byHighCourt) {
    const row = byCategory.addRow([
      r.highCourtCode,
      r.name,
      ...CATEGORIES.flatMap((c) => [r.byCategory[c]?.paid ?? 0, yuanNumber(r.byCategory[c]?.amountFen ?? 0)]),
    ]);
    CATEGORIES.forEach((_, k) => {
      row.getCell(4 + 2 * k).numFmt = YUAN_FORMAT;
    });
  }
  fitColumns(byCategory, 1);
  printable(byCategory, 1);

  const byCourt = book.addWorksheet('按法院');
  const courtHeaders = ['高级人民法院代码', '高级人民法院', '法院代码', '法院', ...FIGURE_HEADERS];
  byCourt.addRow(courtHeaders).font = { bold: true };
  const courtMoney = moneyColumns(courtHeaders);
  for (const r of report.byHighCourt)
    for (const c of r.byCourt) {
      const row = byCourt.addRow([
        r.highCourtCode,
        r.name,
        c.courtCode,
        c.name,
        ...figureCells(c, yuanNumber),
      ]);
      for (const k of courtMoney) row.getCell(k).numFmt = YUAN_FORMAT;
    }
  fitColumns(byCourt, 1);
  printable(byCourt, 1);

  const effects = book.addWorksheet('取得的效果');
  effects.addRow(['高级人民法院代码', '高级人民法院', '取得的效果', '更新时间']).font = { bold: true };
  for (const r of report.byHighCourt)
    effects.addRow([
      r.highCourtCode,
      r.name,
      r.effects ?? '（尚未填写）',
      r.effectsUpdatedAt ? humanTime(r.effectsUpdatedAt) : '',
    ]);
  fitColumns(effects, 1);
  // The narrative is prose: a wide column whose text wraps, rows growing to hold it.
  effects.getColumn(3).width = NARRATIVE_WIDTH;
  effects.getColumn(3).alignment = { wrapText: true, vertical: 'top' };
  printable(effects, 1);
  return Buffer.from(await book.xlsx.writeBuffer());
}
