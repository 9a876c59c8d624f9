import { describe, expect, it } from 'vitest';
import { CAMPAIGN_2018, campaignSettings, demoCampaign } from '../../../functions/domain/campaigns.ts';
import { buildRuling, chineseNumeral, type RulingInput } from '../../../functions/domain/ruling.ts';
import { noticeRulingLegalBasis, noticeRulingParagraph } from '../../support/seed.ts';

const input = (over: Partial<RulingInput> = {}): RulingInput => ({
  courtName: '四川省成都市武侯区人民法院',
  caseNumber: '(2026)川0107执321号',
  applicantName: '李四',
  categoryLabelZh: '追索劳动报酬',
  reliefAmountFen: 2_000_000,
  paidAt: '2026-03-02T10:00:00+08:00',
  transactionRef: 'PICC-20260302-0001',
  ...over,
});

const basisParagraph = (r: ReturnType<typeof buildRuling>) =>
  r.body.filter((p) => p.startsWith('依照《中华人民共和国民事诉讼法》'));

describe('the legal basis the termination ruling cites is the campaign’s', () => {
  it('the 2018 campaign cites the provision the notice names (民事诉讼法第二百五十七条第六项), from the seed', () => {
    const cited = noticeRulingLegalBasis();
    expect(cited).toBe('民事诉讼法第二百五十七条第六项');
    const r = buildRuling(input({ legalBasis: campaignSettings(CAMPAIGN_2018).rulingLegalBasis }));
    // The ruling names the law in full: 《中华人民共和国民事诉讼法》 + the article and item the notice cites.
    const provision = cited.replace(/^民事诉讼法/u, '');
    expect(basisParagraph(r)).toEqual([
      `依照《中华人民共和国民事诉讼法》${provision}之规定，裁定如下：本案终结执行。`,
    ]);
  });

  it('a campaign whose rulings fall after 2024-01-01 cites art. 268(6) of the amended law, and the mandated paragraph stays verbatim', () => {
    const demo = demoCampaign(new Date('2026-03-01T12:00:00+08:00'));
    const r = buildRuling(input({ legalBasis: campaignSettings(demo).rulingLegalBasis }));
    expect(basisParagraph(r)).toEqual([
      '依照《中华人民共和国民事诉讼法》第二百六十八条第六项之规定，裁定如下：本案终结执行。',
    ]);
    expect(r.text).not.toContain('第二百五十七条');
    expect(r.paragraphs).toContain(noticeRulingParagraph());
  });

  it('defaults by the handling window for a campaign that sets none: before 2024 art. 257(6), from 2024 art. 268(6)', () => {
    const { rulingLegalBasis: _r, ...legacy } = CAMPAIGN_2018;
    expect(campaignSettings(legacy).rulingLegalBasis).toEqual({ article: 257, item: 6 });
    const later = {
      ...legacy,
      handling: { start: '2024-01-01T00:00:00+08:00', end: '2024-02-01T00:00:00+08:00' },
    };
    expect(campaignSettings(later).rulingLegalBasis).toEqual({ article: 268, item: 6 });
    const eve = {
      ...legacy,
      handling: { start: '2023-12-31T23:59:59.999+08:00', end: '2024-02-01T00:00:00+08:00' },
    };
    expect(campaignSettings(eve).rulingLegalBasis).toEqual({ article: 257, item: 6 });
  });

  it('writes article and item numbers the way statutes do', () => {
    const cases: [number, string][] = [
      [6, '六'],
      [10, '十'],
      [15, '十五'],
      [20, '二十'],
      [100, '一百'],
      [105, '一百零五'],
      [110, '一百一十'],
      [257, '二百五十七'],
      [268, '二百六十八'],
      [1001, '一千零一'],
      [1260, '一千二百六十'],
    ];
    for (const [n, zh] of cases) expect(chineseNumeral(n), String(n)).toBe(zh);
    for (const bad of [0, -1, 1.5, 10_000]) expect(() => chineseNumeral(bad)).toThrow(RangeError);
  });
});
