import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { CATEGORIES, CATEGORY_LABELS_ZH } from '../domain/eligibility.ts';
import { humanTime } from '../domain/human-time.ts';
import { formatYuan } from '../domain/money.ts';
import type { CampaignReport } from '../domain/report.ts';

const yuan = (fen: number) => formatYuan(fen).replaceAll(',', '');
/** Yuan as a number for a spreadsheet cell (shown with YUAN_FORMAT), exact to the fen. */
const yuanNumber = (fen: number) => fen / 100;
const YUAN_FORMAT = '#,##0.00';

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

const HEADERS = [
  '高级人民法院代码',
  '高级人民法院',
  '救助案件数',
  '救助人数',
  '发放救助金额（元）',
  '已发放申请数',
  '审批中',
  '驳回',
  '保险公司拒付',
  '恢复执行',
  '执行回款（元）',
  '分配额度（元）',
  '预留额度（元）',
  '已发放额度（元）',
  '剩余额度（元）',
];

function rows(report: CampaignReport, money: (fen: number) => string | number = yuan): (string | number)[][] {
  const yuan = money;
  const body = report.byHighCourt.map((r) => [
    r.highCourtCode,
    r.name,
    r.cases,
    r.persons,
    yuan(r.amountFen),
    r.paid,
    r.pending,
    r.rejected,
    r.declined,
    r.resumed,
    yuan(r.recoveredFen),
    yuan(r.quota.allocatedFen),
    yuan(r.quota.reservedFen),
    yuan(r.quota.disbursedFen),
    yuan(r.quota.remainingFen),
  ]);
  const t = report.totals;
  const q = (pick: (r: CampaignReport['byHighCourt'][number]) => number) =>
    yuan(report.byHighCourt.reduce((a, r) => a + pick(r), 0));
  body.push([
    '合计',
    '',
    t.cases,
    t.persons,
    yuan(t.amountFen),
    t.paid,
    t.pending,
    t.rejected,
    t.declined,
    report.byHighCourt.reduce((a, r) => a + r.resumed, 0),
    yuan(t.recoveredFen),
    q((r) => r.quota.allocatedFen),
    q((r) => r.quota.reservedFen),
    q((r) => r.quota.disbursedFen),
    q((r) => r.quota.remainingFen),
  ]);
  return body;
}

/** Columns of HEADERS that hold money (yuan): numbers with YUAN_FORMAT in the workbook. */
const MONEY_COLUMNS = HEADERS.flatMap((h, i) => (h.endsWith('（元）') ? [i + 1] : []));

/** The report's two dates in words (Beijing time), for the title lines of the CSV and the workbook. */
function dateLine(report: CampaignReport): string {
  return `生成时间 ${humanTime(report.generatedAt)}；报送截止 ${humanTime(report.reportDue)}`;
}

/**
 * The report as CSV with Chinese headers (UTF-8 with BOM so spreadsheet programs read the Chinese). A
 * table and nothing else — one header row, one row per court — so a program (the CLI, the insurer's
 * finance tools) parses it as it is; the two dates, in words (Beijing time), are its last two columns.
 */
export function reportCsv(report: CampaignReport): string {
  const generated = humanTime(report.generatedAt);
  const due = humanTime(report.reportDue);
  return `\uFEFF${stringify([
    [...HEADERS, '生成时间', '报送截止'],
    ...rows(report).map((row) => [...row, generated, due]),
  ])}`;
}

/** Widths from content (CJK counts double), bounded so one long cell does not take the page. */
function fitColumns(sheet: ExcelJS.Worksheet, fromRow: number) {
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
function printable(sheet: ExcelJS.Worksheet, headerRow: number) {
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
  const book = new ExcelJS.Workbook();
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
  return Buffer.from(await book.xlsx.writeBuffer());
}
