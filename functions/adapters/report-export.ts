import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { CATEGORIES, CATEGORY_LABELS_ZH } from '../domain/eligibility.ts';
import { formatYuan } from '../domain/money.ts';
import type { CampaignReport } from '../domain/report.ts';

const yuan = (fen: number) => formatYuan(fen).replaceAll(',', '');

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

function rows(report: CampaignReport): (string | number)[][] {
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

/** The report as CSV with Chinese headers (UTF-8 with BOM so spreadsheet programs read the Chinese). */
export function reportCsv(report: CampaignReport): string {
  return `\uFEFF${stringify([HEADERS, ...rows(report)])}`;
}

/** The report as an .xlsx workbook: the summary sheet and a by-category sheet. */
export async function reportXlsx(report: CampaignReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'relief';
  book.created = new Date(report.generatedAt);
  const summary = book.addWorksheet('汇总');
  summary.addRow([`${report.campaignName}（${report.campaignId}）工作情况统计`]);
  summary.addRow([`生成时间 ${report.generatedAt}；报送截止 ${report.reportDue}`]);
  summary.addRow(HEADERS).font = { bold: true };
  for (const r of rows(report)) summary.addRow(r);
  summary.columns.forEach((c) => {
    c.width = 16;
  });
  const byCategory = book.addWorksheet('按案件类别');
  byCategory.addRow([
    '高级人民法院代码',
    '高级人民法院',
    ...CATEGORIES.flatMap((c) => [`${CATEGORY_LABELS_ZH[c]}（件）`, `${CATEGORY_LABELS_ZH[c]}（元）`]),
  ]).font = {
    bold: true,
  };
  for (const r of report.byHighCourt) {
    byCategory.addRow([
      r.highCourtCode,
      r.name,
      ...CATEGORIES.flatMap((c) => [r.byCategory[c]?.paid ?? 0, yuan(r.byCategory[c]?.amountFen ?? 0)]),
    ]);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
