/**
 * The written report (书面报告, notice 三.5: 救助的案件数、救助的人数、发放的救助金额和取得的效果) as data:
 * its title, sections, paragraphs and tables, built from the JSON report (so every figure in the
 * document is a figure of the report) and rendered to .docx by adapters/render/report-docx.ts. Pure: no I/O.
 * Dates in words, Beijing time; amounts in yuan.
 */
import { type ApprovalTime, WAIT_BUCKET_HOURS } from './approval-times.ts';
import type { Campaign } from './campaigns.ts';
import { CATEGORIES, CATEGORY_LABELS_ZH } from './eligibility.ts';
import { humanDate, humanTime } from './human-time.ts';
import { formatYuan } from './money.ts';
import type { CampaignReport, CourtReport, HighCourtReport } from './report.ts';

export interface WrittenTable {
  header: string[];
  rows: string[][];
}

export interface WrittenSection {
  heading: string;
  paragraphs: string[];
  table?: WrittenTable;
}

export interface WrittenReport {
  /** The file name a reader saves (Chinese; the route encodes it per RFC 5987). */
  fileName: string;
  title: string;
  /** Who reports: the high court, or 最高人民法院 for the national report. */
  reporter: string;
  dateLine: string;
  sections: WrittenSection[];
}

export interface WrittenReportInput {
  campaign: Campaign;
  /** The report as GET …/reports returns it to the reader (one high court's row, or all of them). */
  report: CampaignReport;
  /** The high court reported on; absent: the SPC's national report. */
  highCourtCode?: string;
  /** When that high court's report was frozen (its copy submitted to the SPC), if it was. */
  frozenAt?: string | null;
}

const BETWEEN_ZH: Record<string, string> = {
  'report/quota-ledger': '额度台账',
  'report/insurer': '保险公司确认金额',
  'total/high-courts': '各高级人民法院合计',
};

/** 3,000,000 fen → `30,000.00元`. */
export const yuanText = (fen: number) => `${formatYuan(fen)}元`;

type Figures = Pick<
  CourtReport,
  'cases' | 'persons' | 'amountFen' | 'paid' | 'pending' | 'rejected' | 'declined'
>;

const figureRow = (name: string, f: Figures) => [
  name,
  String(f.cases),
  String(f.persons),
  formatYuan(f.amountFen),
  String(f.paid),
  String(f.pending),
  String(f.rejected),
  String(f.declined),
];
const FIGURE_HEADER = [
  '法院',
  '救助案件数',
  '救助人数',
  '发放金额（元）',
  '发放笔数',
  '审批中',
  '驳回',
  '保险公司拒付',
];

const TIER_ZH: Record<ApprovalTime['level'], string> = {
  basic: '基层人民法院',
  intermediate: '中级人民法院',
  high: '高级人民法院',
};
const LIMIT_DAYS = (WAIT_BUCKET_HOURS.at(-1) ?? 336) / 24;

/** Hours with one decimal: 2.5 → `2.5`. */
export const hoursText = (hours: number) => hours.toFixed(1);

/** The approval-times section (审批用时): a sentence and a table by the deciding courts' level. */
function approvalTimesSection(times: readonly ApprovalTime[]): WrittenSection {
  if (times.length === 0) return { heading: '五、审批用时', paragraphs: ['截至报告生成时，尚无审批决定。'] };
  return {
    heading: '五、审批用时',
    paragraphs: [
      `审批用时自案件到达该级法院起算，至该级法院作出决定（同意、退回或驳回）止；各级审批时限为${LIMIT_DAYS}日。` +
        times
          .map(
            (t) =>
              `${TIER_ZH[t.level]}审批${t.decided}件，平均用时${hoursText(t.meanHours)}小时` +
              (t.p90Hours === null ? `，九成以上超过${LIMIT_DAYS}日` : `，九成在${t.p90Hours}小时以内`) +
              (t.overLimit > 0 ? `，超过时限${t.overLimit}件` : ''),
          )
          .join('；') +
        '。',
    ],
    table: {
      header: [
        '审批法院层级',
        '审批件数',
        '合计用时（小时）',
        '平均用时（小时）',
        '九成以内（小时）',
        '超过时限（件）',
      ],
      rows: times.map((t) => [
        TIER_ZH[t.level],
        String(t.decided),
        hoursText(t.totalHours),
        hoursText(t.meanHours),
        t.p90Hours === null ? `超过${WAIT_BUCKET_HOURS.at(-1)}` : String(t.p90Hours),
        String(t.overLimit),
      ]),
    },
  };
}

/** The written report of one high court (with `highCourtCode`) or the national one. */
export function writtenReport(input: WrittenReportInput): WrittenReport {
  const { campaign, report } = input;
  const row: HighCourtReport | undefined =
    input.highCourtCode === undefined
      ? undefined
      : report.byHighCourt.find((r) => r.highCourtCode === input.highCourtCode);
  if (input.highCourtCode !== undefined && !row)
    throw new RangeError(`writtenReport: the report has no row for ${input.highCourtCode}`);
  const reporter = row ? row.name : '最高人民法院';
  const scope = row ? '本辖区' : '全国法院';
  const t = row ?? report.totals;
  const recoveredFen = row ? row.recoveredFen : report.totals.recoveredFen;

  const byCategory = CATEGORIES.map((cat) => {
    const sum = (pick: (c: { paid: number; amountFen: number }) => number) =>
      row
        ? pick(row.byCategory[cat] ?? { paid: 0, amountFen: 0 })
        : report.byHighCourt.reduce((a, r) => a + pick(r.byCategory[cat] ?? { paid: 0, amountFen: 0 }), 0);
    return [CATEGORY_LABELS_ZH[cat], String(sum((c) => c.paid)), formatYuan(sum((c) => c.amountFen))];
  });

  const courtTable: WrittenTable = row
    ? {
        header: FIGURE_HEADER,
        rows: [...row.byCourt.map((c) => figureRow(c.name, c)), figureRow('合计', row)],
      }
    : {
        header: ['高级人民法院', ...FIGURE_HEADER.slice(1)],
        rows: [...report.byHighCourt.map((r) => figureRow(r.name, r)), figureRow('合计', report.totals)],
      };

  const narratives = row
    ? [row.effects ?? '（尚未填写取得的效果。）']
    : report.byHighCourt.some((r) => r.effects)
      ? report.byHighCourt.filter((r) => r.effects).map((r) => `${r.name}：${r.effects}`)
      : ['（各高级人民法院尚未填写取得的效果。）'];

  const title = `${reporter}关于${campaign.name}情况的书面报告`;
  return {
    fileName: `${reporter}${campaign.name}书面报告.docx`,
    title,
    reporter,
    dateLine: `生成时间：${humanTime(report.generatedAt)}`,
    sections: [
      {
        heading: '一、基本情况',
        paragraphs: [
          `${campaign.name}期间，${scope}共救助案件${t.cases}件，救助${t.persons}人，发放救助金额${yuanText(t.amountFen)}（发放${t.paid}笔）。` +
            `截至报告生成时，审批中${t.pending}件，驳回${t.rejected}件，保险公司拒付${t.declined}件。`,
        ],
      },
      {
        heading: '二、按案件类别统计',
        paragraphs: [],
        table: { header: ['案件类别', '发放笔数', '发放金额（元）'], rows: byCategory },
      },
      {
        heading: row ? '三、按法院统计' : '三、按高级人民法院统计',
        paragraphs: row && row.byCourt.length === 0 ? ['本辖区尚无法院发生救助业务。'] : [],
        table: courtTable,
      },
      {
        heading: '四、工作时间安排',
        paragraphs: [
          `准备阶段：${humanDate(campaign.preparation.start)}至${humanDate(campaign.preparation.end)}。`,
          `办理阶段：${humanDate(campaign.handling.start)}至${humanDate(campaign.handling.end)}。`,
          `报送截止：${humanTime(campaign.reportDue)}。`,
          row
            ? input.frozenAt
              ? `本报告数据已于${humanTime(input.frozenAt)}冻结报送。`
              : '本报告数据尚未冻结报送。'
            : '各高级人民法院报告的冻结情况以其冻结副本为准。',
        ],
      },
      approvalTimesSection(row ? row.approvalTimes : report.totals.approvalTimes),
      {
        heading: '六、执行回款（救助基金）',
        paragraphs: [
          `${scope}救助后执行回款共${yuanText(recoveredFen)}，已计入救助基金。`,
          report.reconciliation.consistent
            ? '经核对，报告发放金额与额度台账、保险公司确认金额一致。'
            : `经核对，报告发放金额与${report.reconciliation.differences.map((d) => `${BETWEEN_ZH[d.between] ?? d.between}相差${yuanText(d.differenceFen)}`).join('、')}，请核查。`,
        ],
      },
      { heading: '七、取得的效果', paragraphs: narratives },
    ],
  };
}
