import { describe, expect, it } from 'vitest';
import { CATEGORY_LABELS_ZH } from '../../../functions/domain/eligibility.ts';
import {
  buildRuling,
  CLOSING_REASON,
  chineseDate,
  MANDATED_PARAGRAPH,
  MEASURES_NOT_LIFTED,
  RULING_LEGAL_BASIS,
  RULING_TITLE,
  type RulingInput,
} from '../../../functions/domain/ruling.ts';
import { NOTICE_FILE, noticeClosingReason, noticeRulingParagraph, noticeText } from '../../support/seed.ts';

const input = (over: Partial<RulingInput> = {}): RulingInput => ({
  courtName: '北京市东城区人民法院',
  caseNumber: '(2018)京0101执1234号',
  applicantName: '张三',
  categoryLabelZh: CATEGORY_LABELS_ZH['labor-remuneration'],
  reliefAmountFen: 3_000_000,
  paidAt: '2026-11-24T17:30:00Z',
  transactionRef: 'PICC-20261125-0001',
  ...over,
});

describe('MANDATED_PARAGRAPH and CLOSING_REASON', () => {
  // Pinned whole against the notice's own text (its quoted passages, whitespace removed), never against
  // fragments: any change of any character of either text fails here.
  it('the ruling paragraph is the passage the notice quotes in （三）1, whole, joined across its page break', () => {
    const fromNotice = noticeRulingParagraph();
    expect(MANDATED_PARAGRAPH).toBe(fromNotice);
    // the notice breaks the passage across a page; the constant joins it and holds no whitespace
    expect(noticeText()).not.toContain(fromNotice);
    expect(MANDATED_PARAGRAPH).not.toMatch(/\s/);
  });

  it('the closing reason is the passage the notice quotes after 结案事由为, whole', () => {
    expect(CLOSING_REASON).toBe(noticeClosingReason());
  });

  it('reads the notice from shared/seed/ beside the repository (or RELIEF_SEED_DIR)', () => {
    expect(NOTICE_FILE).toMatch(/000_2ad331f3c2d45709\.txt$/);
    expect(noticeRulingParagraph().length).toBeGreaterThan(100);
    expect(noticeClosingReason().length).toBeGreaterThan(20);
  });
});

describe('chineseDate', () => {
  it('writes the calendar date in Asia/Shanghai', () => {
    expect(chineseDate('2026-11-24T17:30:00Z')).toBe('2026年11月25日');
    expect(chineseDate('2026-11-24T15:59:59.999Z')).toBe('2026年11月24日');
    expect(chineseDate('2026-11-24T16:00:00Z')).toBe('2026年11月25日');
    expect(chineseDate('2026-11-25T01:00:00+08:00')).toBe('2026年11月25日');
    expect(chineseDate('2018-12-31T16:00:00Z')).toBe('2019年1月1日');
  });

  it('takes a YYYY-MM-DD date as that calendar date', () => {
    expect(chineseDate('2026-11-25')).toBe('2026年11月25日');
    expect(chineseDate('2024-02-29')).toBe('2024年2月29日');
  });

  it('rejects impossible dates, date-times without a zone, and non-dates', () => {
    for (const bad of [
      '2026-02-30',
      '2025-02-29',
      '2026-13-01',
      '2026-11-25T10:00:00',
      'yesterday',
      '',
      '25/11/2026',
    ]) {
      expect(() => chineseDate(bad), bad).toThrow(RangeError);
    }
  });
});

describe('buildRuling', () => {
  it('writes heading, applicant, facts, mandated paragraph, legal basis, measures, effect and signature in order', () => {
    const r = buildRuling(input());
    expect(r.title).toBe(RULING_TITLE);
    expect(r.title).toBe('执行裁定书');
    expect(r.closingReason).toBe(noticeClosingReason());
    expect(r.paragraphs).toEqual([...r.heading, ...r.body, ...r.signature]);
    expect(r.text).toBe(r.paragraphs.join('\n'));
    expect(r.heading).toEqual(['北京市东城区人民法院', '执行裁定书', '(2018)京0101执1234号']);
    expect(r.signature).toEqual(['北京市东城区人民法院', '2026年11月25日']);
    expect(r.body[0]).toBe('申请执行人：张三。');
    const facts = r.body[1] ?? '';
    expect(facts).toContain('(2018)京0101执1234号');
    expect(facts).toContain('追索劳动报酬');
    expect(facts).toContain('30,000.00元');
    expect(facts).toContain('于2026年11月25日');
    expect(facts).toContain('PICC-20261125-0001');
    const at = (p: string) => r.paragraphs.indexOf(p);
    expect(at(noticeRulingParagraph())).toBeGreaterThan(at(facts));
    expect(at(RULING_LEGAL_BASIS)).toBe(at(noticeRulingParagraph()) + 1);
    expect(at(MEASURES_NOT_LIFTED)).toBe(at(RULING_LEGAL_BASIS) + 1);
    expect(r.paragraphs.at(-3)).toBe('本裁定送达后立即生效。');
    expect(r.paragraphs.every((p) => !p.includes('\n'))).toBe(true);
  });

  it('contains the mandated paragraph and the closing reason verbatim', () => {
    const r = buildRuling(input());
    expect(r.text).toContain(noticeRulingParagraph());
    expect(r.paragraphs).toContain(noticeRulingParagraph());
    expect(r.closingReason).toBe(noticeClosingReason());
    expect(r.text).toContain(`结案事由：${noticeClosingReason()}`);
    expect(r.text).toContain(
      '依照《中华人民共和国民事诉讼法》第二百五十七条第六项之规定，裁定如下：本案终结执行。',
    );
    expect(r.text).toContain('对被执行人采取的限制消费措施和财产控制措施不予解除。');
  });

  it('formats the amount as yuan with two decimals and grouping', () => {
    expect(buildRuling(input({ reliefAmountFen: 3_000_000 })).text).toContain('人民币30,000.00元');
    expect(buildRuling(input({ reliefAmountFen: 10_000_000 })).text).toContain('人民币100,000.00元');
    expect(buildRuling(input({ reliefAmountFen: 123_456 })).text).toContain('人民币1,234.56元');
    expect(buildRuling(input({ reliefAmountFen: 3_000_000 })).text).not.toContain('3000000');
  });

  it('dates the payout and the signature in Shanghai time', () => {
    const r = buildRuling(input({ paidAt: '2026-11-24T17:30:00Z' }));
    expect(r.text).toContain('2026年11月25日');
    expect(r.text).not.toContain('2026年11月24日');
  });

  it('uses issuedAt for the signature date and rulingNumber in the heading when given', () => {
    const r = buildRuling(input({ issuedAt: '2026-12-01', rulingNumber: '(2018)京0101执1234号之一' }));
    expect(r.signature).toEqual(['北京市东城区人民法院', '2026年12月1日']);
    expect(r.heading[2]).toBe('(2018)京0101执1234号之一');
    expect(r.text).toContain('于2026年11月25日');
    expect(r.text).toContain('执行(2018)京0101执1234号案件');
  });

  it('never leaks the applicant ID number or bank account, even when the input object carries them', () => {
    const withSecrets = {
      ...input(),
      idNumber: '11010519491231002X',
      bankAccount: '6222020200112233445',
      bankName: '中国工商银行北京东城支行',
    } as RulingInput;
    const r = buildRuling(withSecrets);
    expect(r.text).toContain('张三');
    for (const secret of ['11010519491231002X', '110105', '6222020200112233445', '622202', '工商银行']) {
      expect(r.text).not.toContain(secret);
    }
  });

  it('refers to the debtor generically', () => {
    const r = buildRuling(input());
    expect(r.text).toContain('被执行人');
    expect(r.text).not.toMatch(/被执行人：/);
  });

  it('rejects a non-positive or non-integer amount', () => {
    for (const reliefAmountFen of [0, -100, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
      expect(() => buildRuling(input({ reliefAmountFen })), String(reliefAmountFen)).toThrow(RangeError);
    }
  });

  it('rejects empty fields and fields with line breaks', () => {
    expect(() => buildRuling(input({ applicantName: '  ' }))).toThrow(/applicantName/);
    expect(() => buildRuling(input({ courtName: '' }))).toThrow(/courtName/);
    expect(() => buildRuling(input({ transactionRef: 'A\nB' }))).toThrow(/transactionRef/);
    expect(() => buildRuling(input({ caseNumber: undefined as unknown as string }))).toThrow(/caseNumber/);
    expect(() => buildRuling(input({ rulingNumber: '' }))).toThrow(/rulingNumber/);
  });

  it('rejects an invalid payout or issue date', () => {
    expect(() => buildRuling(input({ paidAt: 'not a date' }))).toThrow(RangeError);
    expect(() => buildRuling(input({ paidAt: '2026-11-24T17:30:00' }))).toThrow(RangeError);
    expect(() => buildRuling(input({ issuedAt: '2026-02-30' }))).toThrow(RangeError);
  });
});
