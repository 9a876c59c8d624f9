import { describe, expect, it } from 'vitest';
import { CATEGORY_LABELS_ZH } from '../../../functions/domain/eligibility.ts';
import { buildRuling, type RulingInput } from '../../../functions/domain/ruling.ts';
import { noticeRulingParagraph } from '../../support/seed.ts';

const input = (over: Partial<RulingInput> = {}): RulingInput => ({
  courtName: '湖南省长沙市芙蓉区人民法院',
  caseNumber: '(2025)湘0102执51号',
  applicantName: '张三',
  categoryLabelZh: CATEGORY_LABELS_ZH['labor-remuneration'],
  reliefAmountFen: 3_000_000,
  paidAt: '2026-11-24T17:30:00Z',
  transactionRef: 'PICC-20261125-0001',
  ...over,
});

describe('the ruling names the parties and the measures that stay in force (issue 15 item 6)', () => {
  it('names the applicant and every debtor, the case number and the relief amount, around the mandated paragraph (pinned against the seed)', () => {
    const ruling = buildRuling(
      input({
        debtorNames: ['李四', '长沙某某建筑工程有限公司'],
        measures: [
          { kind: 'consumption-restriction', reference: '（2025）湘0102执51号之一' },
          { kind: 'property-freeze', reference: '（2025）湘0102执51号之二' },
        ],
      }),
    );
    const mandated = noticeRulingParagraph();
    const at = ruling.body.indexOf(mandated);
    expect(at).toBeGreaterThan(0);
    expect(ruling.body.slice(0, 2)).toEqual([
      '申请执行人：张三。',
      '被执行人：李四、长沙某某建筑工程有限公司。',
    ]);
    expect(ruling.text).toContain('(2025)湘0102执51号');
    expect(ruling.text).toContain('人民币30,000.00元');
    const measures = ruling.body.find((p) => p.startsWith('继续有效的措施：'));
    expect(measures).toBe(
      '继续有效的措施：限制消费（（2025）湘0102执51号之一）；冻结财产（（2025）湘0102执51号之二）。',
    );
    expect(ruling.body.indexOf(measures as string)).toBeGreaterThan(at);
  });

  it('without recorded debtors or measures keeps the earlier text (no empty lines)', () => {
    const ruling = buildRuling(input());
    expect(ruling.body.some((p) => p.startsWith('被执行人：'))).toBe(false);
    expect(ruling.body.some((p) => p.startsWith('继续有效的措施'))).toBe(false);
  });

  it('refuses a blank debtor name or a measure reference with a line break', () => {
    expect(() => buildRuling(input({ debtorNames: [' '] }))).toThrow(RangeError);
    expect(() => buildRuling(input({ measures: [{ kind: 'other', reference: 'a\nb' }] }))).toThrow(
      RangeError,
    );
  });
});
