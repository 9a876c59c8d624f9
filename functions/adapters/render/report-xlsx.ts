import type { Worksheet } from 'exceljs';
// The Workbook alone, not the package index with its streaming reader and writer (functions/types/exceljs-workbook.d.ts).
import Workbook from 'exceljs/lib/doc/workbook.js';
import { CATEGORIES, CATEGORY_LABELS_ZH } from '../../domain/eligibility.ts';
import { humanTime } from '../../domain/human-time.ts';
import type { CampaignReport } from '../../domain/report.ts';
import {
  displayWidth,
  FIGURE_HEADERS,
  figureCells,
  type Money,
  nationalCells,
  QUOTA_HEADERS,
  quotaCells,
} from './report-export.ts';

/**
 * The report's workbook (.xlsx), apart from its CSV (report-export.ts) so that only the workbook's
 * renderer (functions/entries/tasks/render-report-xlsx.ts) bundles exceljs; the route keeps the CSV.
 */

/** Yuan as a number for a spreadsheet cell (shown with YUAN_FORMAT), exact to the fen. */
const yuanNumber = (fen: number) => fen / 100;
const YUAN_FORMAT = '#,##0.00';
/** The narrative column's width (characters): prose wraps within it. */
const NARRATIVE_WIDTH = 80;

/** The summary sheet's columns: one row per high court and the national total. */
const HEADERS = ['高级人民法院代码', '高级人民法院', ...FIGURE_HEADERS, ...QUOTA_HEADERS];

function rows(report: CampaignReport, money: Money): (string | number)[][] {
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
