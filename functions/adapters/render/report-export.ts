import { stringify } from 'csv-stringify/sync';
import { humanTime } from '../../domain/human-time.ts';
import { formatYuan } from '../../domain/money.ts';
import type { CampaignReport, CourtReport, HighCourtReport } from '../../domain/report.ts';

const yuan = (fen: number) => formatYuan(fen).replaceAll(',', '');

export { humanTime } from '../../domain/human-time.ts';

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
export const FIGURE_HEADERS = [
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
export const QUOTA_HEADERS = ['分配额度（元）', '预留额度（元）', '已发放额度（元）', '剩余额度（元）'];

export type Money = (fen: number) => string | number;
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

export const figureCells = (f: Figures, money: Money) => [
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

export const quotaCells = (q: HighCourtReport['quota'], money: Money) => [
  money(q.allocatedFen),
  money(q.reservedFen),
  money(q.disbursedFen),
  money(q.remainingFen),
];

/** The national figures (the totals; resumptions and quota summed over the high courts' rows). */
export function nationalCells(report: CampaignReport, money: Money) {
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
