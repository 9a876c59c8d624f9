/**
 * The court hierarchy as data: every court of the country, read from `courts.registry.json`, which
 * `npm run courts:generate` (infra/registry/generate-courts.ts) produces from the GB/T 2260 divisions
 * and the exceptions documented in docs/courts.md. Nothing here needs the generator at run time.
 *
 * Codes are ASCII: 'SPC'; a high court is its 2-letter province code ('BT' for the XPCC branch); an
 * intermediate court is that code + 2 digits; a basic court that code + 4 digits. The digits are
 * those of the court's designation in case numbers (法院代字): BJ0105 ↔ 京0105, NM0102 ↔ 内0102,
 * SH72 ↔ 沪72. `directToHighCourt` (直辖市基层法院直接报高院) is a per-court setting, only ever true
 * for basic courts of the four municipalities; the values in the registry are demonstration settings.
 */

import type { Court, CourtLevel } from './court-registry.ts';
import registry from './courts.registry.json' with { type: 'json' };
import { PROVINCE_DESIGNATIONS, type ProvinceDesignation } from './provinces.ts';

export type { Court, CourtLevel, ProvinceDesignation };
export { PROVINCE_DESIGNATIONS };

interface RegistryData {
  provinces: [code: string, abbr: string, name: string][];
  courts: [code: string, name: string, parentCode?: string, direct?: number][];
}

/** The registry's rows are validated by the generator and by test/unit/domain/courts-registry.test.ts. */
const DATA = registry as unknown as RegistryData;

const SUFFIX: Record<Exclude<CourtLevel, 'spc'>, string> = {
  high: '高级人民法院',
  intermediate: '中级人民法院',
  basic: '人民法院',
};

function levelOf(code: string): CourtLevel {
  if (code === 'SPC') return 'spc';
  switch (code.length) {
    case 2:
      return 'high';
    case 4:
      return 'intermediate';
    case 6:
      return 'basic';
    default:
      throw new Error(`court registry: malformed code ${code}`);
  }
}

function defaultParent(code: string, level: CourtLevel): string | null {
  if (level === 'spc') return null;
  if (level === 'high') return 'SPC';
  if (level === 'intermediate') return code.slice(0, 2);
  return code.slice(0, 4);
}

function build(): readonly Court[] {
  const provinces = new Map(PROVINCE_DESIGNATIONS.map((p) => [p.code, p]));
  const courts = DATA.courts.map(([code, shortName, parent, direct]): Court => {
    const level = levelOf(code);
    if (level === 'spc') {
      return {
        code,
        name: shortName.slice(1),
        level,
        parentCode: null,
        province: 'SPC',
        directToHighCourt: false,
        caseCourtPrefix: '最高法',
      };
    }
    const province = provinces.get(code.slice(0, 2));
    if (!province) throw new Error(`court registry: unknown province of ${code}`);
    return {
      code,
      name: shortName.startsWith('=') ? shortName.slice(1) : province.name + shortName + SUFFIX[level],
      level,
      parentCode: parent ?? defaultParent(code, level),
      province: province.code,
      directToHighCourt: direct === 1,
      caseCourtPrefix: province.abbr + code.slice(2),
    };
  });
  return Object.freeze(courts.map((c) => Object.freeze(c)));
}

/** Every court known to the system, SPC first, then each quota holder followed by its courts. */
export const COURT_DATA: readonly Court[] = build();
