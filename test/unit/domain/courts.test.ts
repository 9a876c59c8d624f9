import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCaseNumberSyntax } from '../../../functions/domain/case-number.ts';
import {
  ancestorsOf,
  approvalRoute,
  COURTS,
  courtByCasePrefix,
  getCourt,
  highCourtOf,
  isQuotaHolder,
  isWithinJurisdiction,
  QUOTA_HOLDER_CODES,
} from '../../../functions/domain/courts.ts';

// biome-ignore format: one row of province codes
const PROVINCES = [
  'BJ', 'TJ', 'HE', 'SX', 'NM', 'LN', 'JL', 'HL', 'SH', 'JS', 'ZJ', 'AH', 'FJ', 'JX', 'SD', 'HA',
  'HB', 'HN', 'GD', 'GX', 'HI', 'CQ', 'SC', 'GZ', 'YN', 'XZ', 'SN', 'GS', 'QH', 'NX', 'XJ', 'BT',
];
const MUNICIPALITIES = ['BJ', 'TJ', 'SH', 'CQ'];

const byCode = (code: string) => {
  const c = getCourt(code);
  if (!c) throw new Error(`no court ${code}`);
  return c;
};

describe('court data', () => {
  it('has unique codes and unique case prefixes', () => {
    expect(new Set(COURTS.map((c) => c.code)).size).toBe(COURTS.length);
    expect(new Set(COURTS.map((c) => c.caseCourtPrefix)).size).toBe(COURTS.length);
  });

  it('has exactly one SPC at the root', () => {
    const roots = COURTS.filter((c) => c.parentCode === null);
    expect(roots).toEqual([
      expect.objectContaining({ code: 'SPC', level: 'spc', caseCourtPrefix: '最高法', province: 'SPC' }),
    ]);
  });

  it('has exactly the 32 quota holders, each under the SPC', () => {
    expect([...QUOTA_HOLDER_CODES].sort()).toEqual([...PROVINCES].sort());
    for (const code of QUOTA_HOLDER_CODES) {
      expect(byCode(code)).toMatchObject({ level: 'high', parentCode: 'SPC', province: code });
    }
    expect(byCode('BT')).toMatchObject({
      name: '新疆维吾尔自治区高级人民法院生产建设兵团分院',
      caseCourtPrefix: '兵',
    });
  });

  it('every parent exists and levels are consistent within a province', () => {
    for (const c of COURTS) {
      if (c.level === 'spc') continue;
      const parent = byCode(c.parentCode ?? '');
      if (c.level === 'intermediate') {
        expect(parent.level, c.code).toBe('high');
        expect(c.code).toMatch(new RegExp(`^${parent.code}\\d{2}$`));
      }
      if (c.level === 'basic') {
        expect(parent.level, c.code).toBe('intermediate');
        expect(c.code).toMatch(new RegExp(`^${c.province}\\d{4}$`));
      }
      expect(c.province).toBe(c.level === 'high' ? c.code : parent.province);
    }
  });

  it('every quota holder has at least one intermediate and one basic court; municipalities two basics', () => {
    for (const code of QUOTA_HOLDER_CODES) {
      const inProvince = COURTS.filter((c) => c.province === code);
      expect(
        inProvince.some((c) => c.level === 'intermediate'),
        code,
      ).toBe(true);
      const basics = inProvince.filter((c) => c.level === 'basic');
      expect(basics.length, code).toBeGreaterThanOrEqual(1);
      if (MUNICIPALITIES.includes(code)) {
        expect(
          basics.some((c) => c.directToHighCourt),
          code,
        ).toBe(true);
        expect(
          basics.some((c) => !c.directToHighCourt),
          code,
        ).toBe(true);
      }
    }
  });

  it('directToHighCourt is only ever set on basic courts of the four municipalities', () => {
    for (const c of COURTS.filter((x) => x.directToHighCourt)) {
      expect(c.level).toBe('basic');
      expect(MUNICIPALITIES).toContain(c.province);
    }
  });

  it('case prefixes parse as case-number prefixes and match the code digits', () => {
    for (const c of COURTS) {
      const r = parseCaseNumberSyntax(`(2018)${c.caseCourtPrefix}执1号`);
      expect(r.ok, c.code).toBe(true);
      if (c.level !== 'spc') expect(c.caseCourtPrefix.slice(1)).toBe(c.code.slice(2));
    }
  });

  it('holds the named Beijing and XPCC courts', () => {
    expect(byCode('BJ0105')).toMatchObject({
      name: '北京市朝阳区人民法院',
      level: 'basic',
      parentCode: 'BJ03',
      directToHighCourt: true,
      caseCourtPrefix: '京0105',
    });
    expect(byCode('BJ0108')).toMatchObject({
      name: '北京市海淀区人民法院',
      parentCode: 'BJ01',
      directToHighCourt: false,
    });
    expect(byCode('BJ01').name).toBe('北京市第一中级人民法院');
    expect(byCode('BJ03').name).toBe('北京市第三中级人民法院');
    expect(byCode('BT01')).toMatchObject({ level: 'intermediate', caseCourtPrefix: '兵01' });
    expect(byCode('BT0101')).toMatchObject({ level: 'basic', caseCourtPrefix: '兵0101', parentCode: 'BT01' });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(COURTS)).toBe(true);
    expect(Object.isFrozen(byCode('BJ'))).toBe(true);
  });
});

describe('lookups', () => {
  it('getCourt and courtByCasePrefix find courts or return undefined', () => {
    expect(getCourt('NOPE')).toBeUndefined();
    expect(courtByCasePrefix('京0105')?.code).toBe('BJ0105');
    expect(courtByCasePrefix('最高法')?.code).toBe('SPC');
    expect(courtByCasePrefix('兵')?.code).toBe('BT');
    expect(courtByCasePrefix('京9999')).toBeUndefined();
  });

  it('isQuotaHolder is true for the 32 high-level courts only', () => {
    expect(isQuotaHolder('BJ')).toBe(true);
    expect(isQuotaHolder('BT')).toBe(true);
    expect(isQuotaHolder('SPC')).toBe(false);
    expect(isQuotaHolder('BJ01')).toBe(false);
    expect(isQuotaHolder('BJ0105')).toBe(false);
    expect(isQuotaHolder('XX')).toBe(false);
  });

  it('ancestorsOf lists superiors nearest first, up to the SPC', () => {
    expect(ancestorsOf('BJ0105')).toEqual(['BJ03', 'BJ', 'SPC']);
    expect(ancestorsOf('BJ01')).toEqual(['BJ', 'SPC']);
    expect(ancestorsOf('BJ')).toEqual(['SPC']);
    expect(ancestorsOf('SPC')).toEqual([]);
    expect(() => ancestorsOf('XX')).toThrow(RangeError);
  });

  it('highCourtOf finds the quota holder, throws for the SPC and unknown codes', () => {
    expect(highCourtOf('BJ0105')).toBe('BJ');
    expect(highCourtOf('BT0101')).toBe('BT');
    expect(highCourtOf('GD01')).toBe('GD');
    expect(highCourtOf('GD')).toBe('GD');
    expect(() => highCourtOf('SPC')).toThrow(RangeError);
    expect(() => highCourtOf('XX')).toThrow(RangeError);
  });
});

describe('approvalRoute', () => {
  it('routes a basic court through its intermediate court to the high court', () => {
    expect(approvalRoute('BJ0108')).toEqual(['BJ0108', 'BJ01', 'BJ']);
    expect(approvalRoute('GD0104')).toEqual(['GD0104', 'GD01', 'GD']);
    expect(approvalRoute('BT0101')).toEqual(['BT0101', 'BT01', 'BT']);
  });

  it('routes a municipal basic court with directToHighCourt straight to the high court', () => {
    expect(approvalRoute('BJ0105')).toEqual(['BJ0105', 'BJ']);
    expect(approvalRoute('CQ0103')).toEqual(['CQ0103', 'CQ']);
  });

  it('routes an intermediate court to its high court and a high court to itself', () => {
    expect(approvalRoute('BJ03')).toEqual(['BJ03', 'BJ']);
    expect(approvalRoute('BJ')).toEqual(['BJ']);
    expect(approvalRoute('BT')).toEqual(['BT']);
  });

  it('throws RangeError for the SPC and unknown courts', () => {
    expect(() => approvalRoute('SPC')).toThrow(RangeError);
    expect(() => approvalRoute('XX0101')).toThrow(RangeError);
  });

  it('property: every route starts at the court, ends at its quota holder, and climbs the hierarchy', () => {
    const executing = COURTS.filter((c) => c.level !== 'spc');
    fc.assert(
      fc.property(fc.constantFrom(...executing), (court) => {
        const route = approvalRoute(court.code);
        expect(route[0]).toBe(court.code);
        const last = route.at(-1) ?? '';
        expect(isQuotaHolder(last)).toBe(true);
        expect(last).toBe(highCourtOf(court.code));
        expect(new Set(route).size).toBe(route.length);
        for (let i = 1; i < route.length; i++) {
          const prev = byCode(route[i - 1] ?? '');
          const step = route[i] ?? '';
          if (prev.directToHighCourt) expect(step).toBe(highCourtOf(prev.code));
          else expect(step).toBe(prev.parentCode);
        }
        for (const step of route) expect(isWithinJurisdiction(step, court.code)).toBe(true);
      }),
    );
  });
});

describe('isWithinJurisdiction', () => {
  it('lets a court see itself and the courts below it', () => {
    expect(isWithinJurisdiction('BJ0105', 'BJ0105')).toBe(true);
    expect(isWithinJurisdiction('BJ03', 'BJ0105')).toBe(true);
    expect(isWithinJurisdiction('BJ', 'BJ0105')).toBe(true);
    expect(isWithinJurisdiction('SPC', 'BT0101')).toBe(true);
  });

  it('refuses siblings, superiors, other provinces and unknown codes', () => {
    expect(isWithinJurisdiction('BJ01', 'BJ0105')).toBe(false);
    expect(isWithinJurisdiction('BJ0108', 'BJ0105')).toBe(false);
    expect(isWithinJurisdiction('BJ0105', 'BJ03')).toBe(false);
    expect(isWithinJurisdiction('TJ', 'BJ0105')).toBe(false);
    expect(isWithinJurisdiction('XJ', 'BT0101')).toBe(false);
    expect(isWithinJurisdiction('BJ', 'SPC')).toBe(false);
    expect(isWithinJurisdiction('SPC', 'XX')).toBe(false);
    expect(isWithinJurisdiction('XX', 'XX')).toBe(false);
  });
});
