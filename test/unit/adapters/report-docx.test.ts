import { describe, expect, it } from 'vitest';
import { renderReportDocx } from '../../../functions/adapters/render/report-docx.ts';
import type { Campaign } from '../../../functions/domain/campaigns.ts';
import type { CampaignReport, HighCourtReport } from '../../../functions/domain/report.ts';
import { writtenReport } from '../../../functions/domain/written-report.ts';
import { docxContent } from '../../support/docx.ts';

const categories = (amountFen: number, paid: number) => ({
  'labor-remuneration': { paid, amountFen },
  'child-support': { paid: 0, amountFen: 0 },
});

const tj: HighCourtReport = {
  highCourtCode: 'TJ',
  name: '天津市高级人民法院',
  cases: 3,
  persons: 2,
  amountFen: 6_123_456,
  paid: 3,
  byCategory: categories(6_123_456, 3),
  pending: 1,
  approved: 3,
  rejected: 2,
  returned: 0,
  declined: 1,
  resumed: 0,
  recoveredFen: 500_000,
  quota: { allocatedFen: 100_000_000, reservedFen: 0, disbursedFen: 6_123_456, remainingFen: 93_876_544 },
  byCourt: [
    {
      courtCode: 'TJ0104',
      name: '天津市南开区人民法院',
      cases: 2,
      persons: 1,
      amountFen: 4_000_000,
      paid: 2,
      byCategory: categories(4_000_000, 2),
      pending: 1,
      approved: 2,
      rejected: 2,
      returned: 0,
      declined: 1,
      resumed: 0,
      recoveredFen: 500_000,
      approvalTimes: [],
    },
    {
      courtCode: 'TJ01',
      name: '天津市第一中级人民法院',
      cases: 1,
      persons: 1,
      amountFen: 2_123_456,
      paid: 1,
      byCategory: categories(2_123_456, 1),
      pending: 0,
      approved: 1,
      rejected: 0,
      returned: 0,
      declined: 0,
      resumed: 0,
      recoveredFen: 0,
      approvalTimes: [],
    },
  ],
  approvalTimes: [
    { level: 'basic', decided: 4, totalHours: 10, meanHours: 2.5, p90Hours: 4, overLimit: 0 },
    { level: 'high', decided: 3, totalHours: 1100.4, meanHours: 366.8, p90Hours: null, overLimit: 2 },
  ],
  effects: '救助困难群众二人，化解信访隐患一件。',
  effectsUpdatedAt: '2026-11-30T02:00:00.000Z',
  effectsVersion: 2,
};

const report: CampaignReport = {
  campaignId: 'c2026',
  campaignName: '2026年司法救助专项活动',
  reportDue: '2027-02-11T23:59:59.999+08:00',
  generatedAt: '2026-12-01T07:15:07.960Z',
  totals: {
    cases: 3,
    persons: 2,
    amountFen: 6_123_456,
    paid: 3,
    pending: 1,
    rejected: 2,
    declined: 1,
    recoveredFen: 500_000,
    approvalTimes: [{ level: 'high', decided: 1, totalHours: 30, meanHours: 30, p90Hours: 48, overLimit: 0 }],
  },
  byHighCourt: [tj],
  reconciliation: {
    reportAmountFen: 6_123_456,
    quotaDisbursedFen: 6_123_456,
    insurerConfirmedFen: 6_123_456,
    consistent: true,
    differences: [],
  },
};

const campaign: Campaign = {
  id: 'c2026',
  name: '2026年司法救助专项活动',
  preparation: { start: '2026-10-01T00:00:00+08:00', end: '2026-10-14T23:59:59.999+08:00' },
  handling: { start: '2026-10-15T00:00:00+08:00', end: '2027-01-31T23:59:59.999+08:00' },
  reportDue: '2027-02-11T23:59:59.999+08:00',
  standardLimitFen: 5_000_000,
  specialLimitFen: 10_000_000,
};

describe('the written report (书面报告) as .docx', () => {
  it('carries the title, the figures, the tables by category and by court, the timeline in words, the recoveries and the narrative', async () => {
    const written = writtenReport({
      campaign,
      report,
      highCourtCode: 'TJ',
      frozenAt: '2026-12-01T08:00:00Z',
    });
    expect(written.fileName).toBe('天津市高级人民法院2026年司法救助专项活动书面报告.docx');
    const buf = await renderReportDocx(written);
    expect(buf.subarray(0, 2).toString('latin1')).toBe('PK');
    const { paragraphs, tables } = docxContent(buf);
    expect(paragraphs[0]).toBe('天津市高级人民法院关于2026年司法救助专项活动情况的书面报告');
    expect(paragraphs).toContain('生成时间：2026年12月1日 15:15（北京时间）');
    expect(paragraphs).toContain(
      '2026年司法救助专项活动期间，本辖区共救助案件3件，救助2人，发放救助金额61,234.56元（发放3笔）。截至报告生成时，审批中1件，驳回2件，保险公司拒付1件。',
    );
    expect(paragraphs).toContain('准备阶段：2026年10月1日至2026年10月14日。');
    expect(paragraphs).toContain('办理阶段：2026年10月15日至2027年1月31日。');
    expect(paragraphs).toContain('报送截止：2027年2月11日 23:59（北京时间）。');
    expect(paragraphs).toContain('本报告数据已于2026年12月1日 16:00（北京时间）冻结报送。');
    expect(paragraphs).toContain('本辖区救助后执行回款共5,000.00元，已计入救助基金。');
    expect(paragraphs).toContain('救助困难群众二人，化解信访隐患一件。');
    expect(
      paragraphs.some((p) =>
        p.endsWith(
          '基层人民法院审批4件，平均用时2.5小时，九成在4小时以内；高级人民法院审批3件，平均用时366.8小时，九成以上超过14日，超过时限2件。',
        ),
      ),
    ).toBe(true);
    const [byCategory, byCourt, times] = tables;
    expect(times).toEqual([
      [
        '审批法院层级',
        '审批件数',
        '合计用时（小时）',
        '平均用时（小时）',
        '九成以内（小时）',
        '超过时限（件）',
      ],
      ['基层人民法院', '4', '10.0', '2.5', '4', '0'],
      ['高级人民法院', '3', '1100.4', '366.8', '超过336', '2'],
    ]);
    expect(byCategory?.[0]).toEqual(['案件类别', '发放笔数', '发放金额（元）']);
    expect(byCategory).toContainEqual(['追索劳动报酬', '3', '61,234.56']);
    expect(byCategory).toContainEqual(['追索抚育费', '0', '0.00']);
    expect(byCourt).toEqual([
      ['法院', '救助案件数', '救助人数', '发放金额（元）', '发放笔数', '审批中', '驳回', '保险公司拒付'],
      ['天津市南开区人民法院', '2', '1', '40,000.00', '2', '1', '2', '1'],
      ['天津市第一中级人民法院', '1', '1', '21,234.56', '1', '0', '0', '0'],
      ['合计', '3', '2', '61,234.56', '3', '1', '2', '1'],
    ]);
  });

  it('says so when there is no narrative yet, the report is not frozen or the ledgers disagree; the national one lists the high courts', async () => {
    const disagreeing: CampaignReport = {
      ...report,
      byHighCourt: [{ ...tj, effects: null }],
      reconciliation: {
        ...report.reconciliation,
        consistent: false,
        differences: [{ between: 'report/insurer', differenceFen: 100 }],
      },
    };
    const one = docxContent(
      await renderReportDocx(writtenReport({ campaign, report: disagreeing, highCourtCode: 'TJ' })),
    );
    expect(one.paragraphs).toContain('（尚未填写取得的效果。）');
    expect(one.paragraphs).toContain('本报告数据尚未冻结报送。');
    expect(one.paragraphs).toContain('经核对，报告发放金额与保险公司确认金额相差1.00元，请核查。');
    const national = writtenReport({ campaign, report });
    expect(national.title).toBe('最高人民法院关于2026年司法救助专项活动情况的书面报告');
    const { paragraphs, tables } = docxContent(await renderReportDocx(national));
    expect(paragraphs.some((p) => p.includes('全国法院共救助案件3件，救助2人'))).toBe(true);
    expect(paragraphs).toContain('天津市高级人民法院：救助困难群众二人，化解信访隐患一件。');
    expect(tables[1]?.[1]).toEqual(['天津市高级人民法院', '3', '2', '61,234.56', '3', '1', '2', '1']);
    // The national report's approval times are the totals' (all high courts together).
    expect(tables[2]?.[1]).toEqual(['高级人民法院', '1', '30.0', '30.0', '48', '0']);
    const none = docxContent(
      await renderReportDocx(
        writtenReport({
          campaign,
          report: { ...report, byHighCourt: [{ ...tj, approvalTimes: [] }] },
          highCourtCode: 'TJ',
        }),
      ),
    );
    expect(none.paragraphs).toContain('截至报告生成时，尚无审批决定。');
    expect(() => writtenReport({ campaign, report, highCourtCode: 'BJ' })).toThrow(RangeError);
  });
});
