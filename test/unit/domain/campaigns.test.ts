import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowsDrafts,
  CAMPAIGN_2018,
  type Campaign,
  campaignPhase,
  campaignProblems,
  DEFAULT_CAMPAIGN_ID,
  demoCampaign,
  isInHandlingWindow,
  shanghaiDate,
} from '../../../functions/domain/campaigns.ts';

const at = (iso: string) => new Date(iso);

describe('the 2018 campaign', () => {
  it('is the default and carries the notice dates and limits with the +08:00 offset', () => {
    expect(DEFAULT_CAMPAIGN_ID).toBe('2018-relief');
    expect(CAMPAIGN_2018).toEqual({
      id: '2018-relief',
      name: '2018年涉民生执行案件集中保险救助',
      preparation: { start: '2018-12-15T00:00:00+08:00', end: '2018-12-20T23:59:59.999+08:00' },
      handling: { start: '2018-12-21T00:00:00+08:00', end: '2019-01-31T23:59:59.999+08:00' },
      reportDue: '2019-02-12T23:59:59.999+08:00',
      standardLimitFen: 5_000_000,
      specialLimitFen: 10_000_000,
      // Settings: the notice's own citation (art. 257(6), 2018 numbering); no debtor data required.
      requireDebtor: false,
      requireTerminationChecklist: false,
      assetCheckIntervalMonths: 6,
      assetCheckYears: 5,
      rulingLegalBasis: { article: 257, item: 6 },
    });
    expect(campaignProblems(CAMPAIGN_2018)).toEqual([]);
  });

  it('is not started before Shanghai midnight of 15 December', () => {
    expect(campaignPhase(CAMPAIGN_2018, at('2018-12-14T15:59:59.999Z'))).toBe('not_started');
    expect(campaignPhase(CAMPAIGN_2018, at('2018-12-14T16:00:00Z'))).toBe('preparation');
  });

  it('moves from preparation to handling at Shanghai midnight of 21 December', () => {
    expect(campaignPhase(CAMPAIGN_2018, at('2018-12-20T15:59:59.999Z'))).toBe('preparation');
    expect(campaignPhase(CAMPAIGN_2018, at('2018-12-20T16:00:00Z'))).toBe('handling');
    // 2018-12-20T16:30Z is 00:30 on 21 December in Shanghai, though still 20 December in UTC.
    expect(campaignPhase(CAMPAIGN_2018, at('2018-12-20T16:30:00Z'))).toBe('handling');
    expect(campaignPhase(CAMPAIGN_2018, at('2018-12-20T23:00:00+08:00'))).toBe('preparation');
  });

  it('closes after the last millisecond of 31 January 2019 in Shanghai', () => {
    expect(campaignPhase(CAMPAIGN_2018, at('2019-01-31T15:59:59.999Z'))).toBe('handling');
    expect(campaignPhase(CAMPAIGN_2018, at('2019-01-31T16:00:00Z'))).toBe('closed');
    expect(campaignPhase(CAMPAIGN_2018, at('2019-01-31T20:00:00Z'))).toBe('closed');
  });

  it('allows submission only while handling and drafts during preparation and handling', () => {
    const cases: [string, boolean, boolean][] = [
      ['2018-12-10T12:00:00+08:00', false, false],
      ['2018-12-17T12:00:00+08:00', false, true],
      ['2019-01-10T12:00:00+08:00', true, true],
      ['2019-02-01T00:00:00+08:00', false, false],
    ];
    for (const [time, handling, drafts] of cases) {
      expect(isInHandlingWindow(CAMPAIGN_2018, at(time)), time).toBe(handling);
      expect(allowsDrafts(CAMPAIGN_2018, at(time)), time).toBe(drafts);
    }
  });

  it('treats a gap between preparation and handling as preparation', () => {
    const gap: Campaign = {
      ...CAMPAIGN_2018,
      handling: { start: '2018-12-25T00:00:00+08:00', end: '2019-01-31T23:59:59.999+08:00' },
    };
    expect(campaignPhase(gap, at('2018-12-23T12:00:00+08:00'))).toBe('preparation');
    expect(allowsDrafts(gap, at('2018-12-23T12:00:00+08:00'))).toBe(true);
    expect(isInHandlingWindow(gap, at('2018-12-23T12:00:00+08:00'))).toBe(false);
  });

  it('throws RangeError for an invalid date', () => {
    expect(() => campaignPhase(CAMPAIGN_2018, new Date('nope'))).toThrow(RangeError);
  });
});

describe('shanghaiDate', () => {
  it('gives the calendar date in Shanghai', () => {
    expect(shanghaiDate(at('2018-12-20T16:30:00Z'))).toBe('2018-12-21');
    expect(shanghaiDate(at('2018-12-20T15:59:59.999Z'))).toBe('2018-12-20');
    expect(shanghaiDate(at('2019-12-31T16:00:00Z'))).toBe('2020-01-01');
    expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('demoCampaign', () => {
  it('places a 7-day preparation 30 days back and a handling window around now', () => {
    const c = demoCampaign(at('2025-11-25T07:00:00Z'));
    expect(c).toEqual({
      id: 'demo',
      name: '演示救助活动（本地）',
      preparation: { start: '2025-10-26T00:00:00+08:00', end: '2025-11-01T23:59:59.999+08:00' },
      handling: { start: '2025-11-02T00:00:00+08:00', end: '2026-01-24T23:59:59.999+08:00' },
      reportDue: '2026-02-05T23:59:59.999+08:00',
      standardLimitFen: 5_000_000,
      specialLimitFen: 10_000_000,
      // Its rulings fall after 2024-01-01: art. 268(6) of the amended law.
      requireDebtor: false,
      requireTerminationChecklist: false,
      assetCheckIntervalMonths: 6,
      assetCheckYears: 5,
      rulingLegalBasis: { article: 268, item: 6 },
    });
  });

  it('uses the Shanghai date of now, not the UTC date', () => {
    expect(demoCampaign(at('2025-11-24T16:30:00Z')).handling.end).toBe('2026-01-24T23:59:59.999+08:00');
    expect(demoCampaign(at('2025-11-24T15:30:00Z')).handling.end).toBe('2026-01-23T23:59:59.999+08:00');
  });

  it('property: now is in handling, with at least 60 days left, and the campaign is well formed', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (now) => {
          const c = demoCampaign(now);
          expect(campaignProblems(c)).toEqual([]);
          expect(campaignPhase(c, now)).toBe('handling');
          expect(Date.parse(c.handling.end) - now.getTime()).toBeGreaterThanOrEqual(60 * 24 * 3600 * 1000);
          expect(Date.parse(c.preparation.end) - Date.parse(c.preparation.start) + 1).toBe(
            7 * 24 * 3600 * 1000,
          );
          expect(Date.parse(c.handling.start) - Date.parse(c.preparation.end)).toBe(1);
        },
      ),
    );
  });
});

describe('campaignProblems', () => {
  it('reports every broken invariant', () => {
    const broken: Campaign = {
      id: ' ',
      name: 'x',
      preparation: { start: '2018-12-15', end: '2018-12-20T23:59:59.999+08:00' },
      handling: { start: '2018-12-19T00:00:00+08:00', end: '2019-01-31T23:59:59.999+08:00' },
      reportDue: '2019-01-01T00:00:00+08:00',
      standardLimitFen: 10_000_001,
      specialLimitFen: 10_000_000,
    };
    expect(campaignProblems(broken)).toEqual([
      'id must be non-blank',
      'preparation.start must be an ISO 8601 timestamp with an offset',
      'preparation.end must not be after handling.start',
      'handling.end must not be after reportDue',
      'standardLimitFen must not exceed specialLimitFen',
    ]);
    expect(campaignProblems({ ...CAMPAIGN_2018, specialLimitFen: 1.5 })).toContain(
      'specialLimitFen must be a positive integer',
    );
  });
});
