/**
 * The nationwide court registry (functions/domain/courts.registry.json): generated, complete, a tree
 * per province, and the case designations of the SPC's rules. Expected designations and names are
 * written out here from the rules and the courts' real names, never read from the code's constants.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCaseNumber, parseCaseNumberSyntax } from '../../../functions/domain/case-number.ts';
import {
  approvalRoute,
  COURTS,
  type Court,
  courtByCasePrefix,
  getCourt,
  highCourtOf,
  isWithinJurisdiction,
} from '../../../functions/domain/courts.ts';
import { buildRegistry, REGISTRY_PATH, renderRegistry } from '../../../infra/registry/generate-courts.ts';

const byCode = (code: string): Court => {
  const c = getCourt(code);
  if (!c) throw new Error(`no court ${code}`);
  return c;
};
const EXECUTING = COURTS.filter((c) => c.level !== 'spc');
const BASICS = COURTS.filter((c) => c.level === 'basic');
const CHILDREN = new Map<string, Court[]>();
for (const c of COURTS) {
  if (c.parentCode === null) continue;
  CHILDREN.set(c.parentCode, [...(CHILDREN.get(c.parentCode) ?? []), c]);
}
/** The subtree under a court, computed from parent links alone (not from the module's ancestorsOf). */
function subtree(code: string): Set<string> {
  const out = new Set<string>([code]);
  const stack = [code];
  while (stack.length > 0) {
    for (const child of CHILDREN.get(stack.pop() as string) ?? []) {
      out.add(child.code);
      stack.push(child.code);
    }
  }
  return out;
}

/** 《人民法院案件类型及其代字标准》: the designations of the 31 provinces, the XPCC's 兵, the SPC's 最高法. */
// biome-ignore format: one row of designations
const DESIGNATIONS: Record<string, string> = {
  BJ: '京', TJ: '津', HE: '冀', SX: '晋', NM: '内', LN: '辽', JL: '吉', HL: '黑', SH: '沪', JS: '苏', ZJ: '浙',
  AH: '皖', FJ: '闽', JX: '赣', SD: '鲁', HA: '豫', HB: '鄂', HN: '湘', GD: '粤', GX: '桂', HI: '琼', CQ: '渝',
  SC: '川', GZ: '黔', YN: '云', XZ: '藏', SN: '陕', GS: '甘', QH: '青', NX: '宁', XJ: '新', BT: '兵',
};

describe('the generated registry', () => {
  it('is exactly what `npm run courts:generate` produces (not stale, not hand-edited)', () => {
    expect(readFileSync(REGISTRY_PATH, 'utf8')).toBe(renderRegistry(buildRegistry()));
  });

  it('covers the country: the SPC, 32 quota holders, ≥ 350 intermediate and ≥ 2,800 basic courts', () => {
    const count = (level: Court['level']) => COURTS.filter((c) => c.level === level).length;
    expect(count('spc')).toBe(1);
    expect(count('high')).toBe(32);
    expect(count('intermediate')).toBeGreaterThanOrEqual(350);
    expect(count('basic')).toBeGreaterThanOrEqual(2800);
    for (const province of Object.keys(DESIGNATIONS)) {
      const inProvince = COURTS.filter((c) => c.province === province);
      expect(inProvince.filter((c) => c.level === 'intermediate').length, province).toBeGreaterThanOrEqual(3);
      expect(inProvince.filter((c) => c.level === 'basic').length, province).toBeGreaterThanOrEqual(16);
    }
  });

  it('has unique codes, unique case designations and unique names', () => {
    expect(new Set(COURTS.map((c) => c.code)).size).toBe(COURTS.length);
    expect(new Set(COURTS.map((c) => c.caseCourtPrefix)).size).toBe(COURTS.length);
    expect(new Set(COURTS.map((c) => c.name)).size).toBe(COURTS.length);
  });

  it("designates each province by the SPC's abbreviation: 内 for Inner Mongolia, 黔 for Guizhou", () => {
    for (const [province, abbr] of Object.entries(DESIGNATIONS)) {
      expect(byCode(province).caseCourtPrefix, province).toBe(abbr);
      for (const c of COURTS.filter((x) => x.province === province)) {
        expect(c.caseCourtPrefix, c.code).toBe(abbr + c.code.slice(2));
      }
    }
    expect(COURTS.some((c) => c.caseCourtPrefix.startsWith('蒙') || c.caseCourtPrefix.startsWith('贵'))).toBe(
      false,
    );
  });
});

describe('the hierarchy (properties over random courts of the registry)', () => {
  it('parents exist, never cross provinces, never cycle; a basic court sits under an intermediate court', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXECUTING), (court) => {
        const seen = new Set<string>();
        let c = court;
        while (c.parentCode !== null) {
          expect(seen.has(c.code), `cycle at ${c.code}`).toBe(false);
          seen.add(c.code);
          const parent = byCode(c.parentCode);
          if (c.level === 'high') expect(parent.level).toBe('spc');
          else expect(parent.province, `${c.code} → ${parent.code}`).toBe(c.province);
          c = parent;
        }
        expect(c.code).toBe('SPC');
        if (court.level === 'basic') expect(byCode(court.parentCode ?? '').level).toBe('intermediate');
        if (court.level === 'intermediate') expect(court.parentCode).toBe(court.province);
      }),
      { numRuns: 500 },
    );
  });

  it("a route starts at the court and always ends at the court's own high-level court", () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXECUTING), (court) => {
        const route = approvalRoute(court.code);
        expect(route[0]).toBe(court.code);
        expect(route.at(-1)).toBe(court.province);
        expect(route.at(-1)).toBe(highCourtOf(court.code));
        expect(byCode(court.province).level).toBe('high');
        expect(route.length).toBe(
          { high: 1, intermediate: 2, basic: court.directToHighCourt ? 2 : 3, spc: 0 }[court.level],
        );
      }),
      { numRuns: 500 },
    );
  });

  it("jurisdiction is exactly the viewer's subtree", () => {
    const viewers = COURTS.filter((c) => c.level !== 'basic');
    fc.assert(
      fc.property(
        fc.constantFrom(...viewers),
        fc.array(fc.constantFrom(...COURTS), { minLength: 20, maxLength: 20 }),
        (viewer, targets) => {
          const own = subtree(viewer.code);
          // Half of the targets from the viewer's own subtree, so that both answers are exercised.
          const inside = [...own];
          const sample = [
            ...targets,
            ...targets.map((_, i) => byCode(inside[(i * 7919) % inside.length] ?? '')),
          ];
          for (const target of sample) {
            expect(isWithinJurisdiction(viewer.code, target.code), `${viewer.code} sees ${target.code}`).toBe(
              own.has(target.code),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a basic court sees only itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BASICS), fc.constantFrom(...COURTS), (basic, other) => {
        expect(isWithinJurisdiction(basic.code, other.code)).toBe(basic.code === other.code);
      }),
      { numRuns: 500 },
    );
  });

  it("every court's own case numbers parse and name that court", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EXECUTING),
        fc.integer({ min: 1990, max: 2100 }),
        fc.integer({ min: 1, max: 999_999 }),
        (court, year, serial) => {
          const parsed = parseCaseNumber(`(${year})${court.caseCourtPrefix}执${serial}号`);
          expect(parsed.ok, court.caseCourtPrefix).toBe(true);
          if (parsed.ok) expect(courtByCasePrefix(parsed.value.courtPrefix)?.code).toBe(court.code);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the hierarchy, court by court (exhaustive: a single misplaced court fails)', () => {
  it('every court: parent in its province, route ends at its own high court, subtree matches', () => {
    for (const court of EXECUTING) {
      const parent = byCode(court.parentCode ?? '');
      expect(parent.level, court.code).toBe(
        { high: 'spc', intermediate: 'high', basic: 'intermediate', spc: '' }[court.level],
      );
      if (court.level !== 'high') expect(parent.province, court.code).toBe(court.province);
      expect(approvalRoute(court.code).at(-1), court.code).toBe(court.province);
    }
    for (const viewer of COURTS.filter((c) => c.level === 'high' || c.level === 'intermediate')) {
      const own = subtree(viewer.code);
      const seen = COURTS.filter((c) => isWithinJurisdiction(viewer.code, c.code)).map((c) => c.code);
      expect(seen.sort(), viewer.code).toEqual([...own].sort());
    }
  });
});

describe('case designations', () => {
  it('accepts Inner Mongolia as 内 and refuses 蒙 and 贵, which are no designation', () => {
    expect(parseCaseNumber('(2026)内0102执123号')).toMatchObject({
      ok: true,
      value: { courtPrefix: '内0102', normalized: '(2026)内0102执123号' },
    });
    expect(courtByCasePrefix('内0102')).toMatchObject({
      code: 'NM0102',
      name: '内蒙古自治区呼和浩特市新城区人民法院',
    });
    expect(parseCaseNumber('(2026)内执1号').ok).toBe(true);
    expect(parseCaseNumberSyntax('(2026)蒙0102执123号')).toEqual({ ok: false, reason: 'FORMAT' });
    expect(parseCaseNumberSyntax('(2026)蒙执1号')).toEqual({ ok: false, reason: 'FORMAT' });
    expect(parseCaseNumberSyntax('(2026)贵01执1号')).toEqual({ ok: false, reason: 'FORMAT' });
    expect(courtByCasePrefix('黔01')?.name).toBe('贵州省贵阳市中级人民法院');
  });
});

describe('real courts', () => {
  it('numbers the municipalities’ intermediate courts and maps districts to them', () => {
    expect(byCode('BJ04')).toMatchObject({ name: '北京市第四中级人民法院', caseCourtPrefix: '京04' });
    expect(byCode('SH03')).toMatchObject({ name: '上海市第三中级人民法院', caseCourtPrefix: '沪03' });
    expect(byCode('TJ03').name).toBe('天津市第三中级人民法院');
    expect(byCode('CQ04').name).toBe('重庆市第四中级人民法院');
    const numbered = COURTS.filter((c) => /^(北京|天津|上海|重庆)市第.中级人民法院$/.test(c.name));
    expect(numbered.map((c) => c.caseCourtPrefix).sort()).toEqual(
      ['京01', '京02', '京03', '京04', '津01', '津02', '津03', '沪01', '沪02', '沪03']
        .concat(['渝01', '渝02', '渝03', '渝04', '渝05'])
        .sort(),
    );
    expect(byCode('BJ0108').parentCode).toBe('BJ01'); // 海淀 → 北京一中院
    expect(byCode('BJ0102').parentCode).toBe('BJ02'); // 西城 → 北京二中院
    expect(byCode('BJ0112').parentCode).toBe('BJ03'); // 通州 → 北京三中院
    expect(byCode('TJ0116')).toMatchObject({ name: '天津市滨海新区人民法院', parentCode: 'TJ03' });
    expect(byCode('SH0115')).toMatchObject({ name: '上海市浦东新区人民法院', parentCode: 'SH01' });
    expect(byCode('CQ0101').parentCode).toBe('CQ02'); // 万州 → 重庆二中院
    expect(byCode('SH0118').parentCode).toBe('SH02'); // 青浦 → 上海二中院 (一中院 hears 7 districts)
    expect(COURTS.filter((c) => c.parentCode === 'SH01').length).toBe(7);
    expect(byCode('CQ0115').parentCode).toBe('CQ01'); // 长寿 → 重庆一中院
    expect(byCode('CQ0118').parentCode).toBe('CQ05'); // 永川 → 重庆五中院
    expect(byCode('CQ0240')).toMatchObject({ name: '重庆市石柱土家族自治县人民法院', parentCode: 'CQ04' });
    expect(COURTS.filter((c) => c.parentCode === 'BJ' && c.level === 'basic')).toEqual([]);
  });

  it('names courts after their division: 省·市·区, 省·县, 自治州, 盟', () => {
    expect(byCode('HE0102').name).toBe('河北省石家庄市长安区人民法院');
    expect(byCode('HE0121').name).toBe('河北省井陉县人民法院');
    expect(byCode('SN0103').name).toBe('陕西省西安市碑林区人民法院');
    expect(byCode('HB9021').name).toBe('湖北省神农架林区人民法院');
    expect(byCode('HE01').name).toBe('河北省石家庄市中级人民法院');
    expect(byCode('HB28').name).toBe('湖北省恩施土家族苗族自治州中级人民法院');
    expect(byCode('NM25').name).toBe('内蒙古自治区锡林郭勒盟中级人民法院');
    expect(byCode('NM2527')).toMatchObject({
      name: '内蒙古自治区太仆寺旗人民法院',
      caseCourtPrefix: '内2527',
    });
    expect(byCode('GZ0102')).toMatchObject({ name: '贵州省贵阳市南明区人民法院', caseCourtPrefix: '黔0102' });
  });

  it('handles prefectures without districts and the 省直辖 divisions', () => {
    expect(byCode('GD1971')).toMatchObject({ name: '广东省东莞市第一人民法院', parentCode: 'GD19' });
    expect(byCode('GD2072')).toMatchObject({ name: '广东省中山市第二人民法院', parentCode: 'GD20' });
    expect(getCourt('GD1900')).toBeUndefined();
    expect(byCode('HB96')).toMatchObject({ name: '湖北省汉江中级人民法院', caseCourtPrefix: '鄂96' });
    expect(byCode('HB9004')).toMatchObject({ name: '湖北省仙桃市人民法院', parentCode: 'HB96' });
    expect(byCode('HA9001')).toMatchObject({ name: '河南省济源市人民法院', parentCode: 'HA96' });
    expect(byCode('HI9003')).toMatchObject({ name: '海南省儋州市人民法院', parentCode: 'HI97' });
    expect(byCode('HI97').name).toBe('海南省第二中级人民法院');
    expect(getCourt('HI04')).toBeUndefined();
    expect(byCode('XJ40').name).toBe('新疆维吾尔自治区高级人民法院伊犁哈萨克自治州分院');
    expect(byCode('XJ4002')).toMatchObject({ name: '新疆维吾尔自治区伊宁市人民法院', parentCode: 'XJ40' });
  });

  it('leaves out NBS development zones and the XPCC cities of Xinjiang (their courts are the XPCC’s)', () => {
    expect(getCourt('HE0171')).toBeUndefined(); // 石家庄高新技术产业开发区 (NBS code, not GB/T 2260)
    expect(COURTS.filter((c) => c.province === 'XJ' && c.code.startsWith('XJ90'))).toEqual([]);
    expect(byCode('BT0801')).toMatchObject({ name: '新疆生产建设兵团石河子市人民法院', parentCode: 'BT08' });
  });

  it('holds the XPCC division courts and the 11 maritime courts (province + 72)', () => {
    expect(byCode('BT08')).toMatchObject({
      name: '新疆生产建设兵团第八师中级人民法院',
      caseCourtPrefix: '兵08',
    });
    expect(getCourt('BT11')).toBeUndefined();
    const maritime = COURTS.filter((c) => c.name.endsWith('海事法院'));
    expect(Object.fromEntries(maritime.map((c) => [c.caseCourtPrefix, c.name]))).toEqual({
      沪72: '上海海事法院',
      津72: '天津海事法院',
      辽72: '大连海事法院',
      鲁72: '青岛海事法院',
      鄂72: '武汉海事法院',
      粤72: '广州海事法院',
      闽72: '厦门海事法院',
      浙72: '宁波海事法院',
      桂72: '北海海事法院',
      琼72: '海口海事法院',
      苏72: '南京海事法院',
    });
    for (const c of maritime) expect(c).toMatchObject({ level: 'intermediate', parentCode: c.province });
    expect(byCode('GD71')).toMatchObject({ name: '广州铁路运输中级法院', caseCourtPrefix: '粤71' });
  });

  // The courts that existed before the registry keep their codes and meaning (tests, README, bench,
  // CLI samples and the seed use them): code > parent, '!' = directToHighCourt.
  // biome-ignore format: one list
  const LEGACY = [
    'BJ0105>BJ03!', 'BJ0108>BJ01', 'BJ0101>BJ02', 'TJ0104>TJ01!', 'TJ0102>TJ02', 'HE0102>HE01', 'SX0105>SX01',
    'NM0102>NM01', 'LN0102>LN01', 'JL0102>JL01', 'HL0102>HL01', 'SH0115>SH01!', 'SH0101>SH02', 'JS0102>JS01',
    'ZJ0102>ZJ01', 'AH0102>AH01', 'FJ0102>FJ01', 'JX0102>JX01', 'SD0102>SD01', 'HA0102>HA01', 'HB0102>HB01',
    'HN0102>HN01', 'GD0104>GD01', 'GX0102>GX01', 'HI0106>HI01', 'CQ0103>CQ05!', 'CQ0106>CQ01', 'SC0104>SC01',
    'GZ0102>GZ01', 'YN0102>YN01', 'XZ0102>XZ01', 'SN0102>SN01', 'GS0102>GS01', 'QH0102>QH01', 'NX0104>NX01',
    'XJ0102>XJ01', 'BT0101>BT01',
  ];
  it('keeps every court code that existed before, with the same parent and setting', () => {
    for (const entry of LEGACY) {
      const [, code = '', parent = '', direct] = /^(\w+)>(\w+)(!?)$/.exec(entry) ?? [];
      expect(byCode(code), code).toMatchObject({
        level: 'basic',
        parentCode: parent,
        directToHighCourt: !!direct,
      });
      expect(byCode(parent).parentCode).toBe(code.slice(0, 2));
    }
    expect(COURTS.filter((c) => c.directToHighCourt).map((c) => c.code)).toEqual([
      'BJ0105',
      'TJ0104',
      'SH0115',
      'CQ0103',
    ]);
  });
});
