/**
 * Validation of a court registry after a change (PUT /courts/{code}, courts import): every rule has
 * a stable code and names the court and field it concerns.
 */
import { describe, expect, it } from 'vitest';
import { type Court, CourtRegistry, validateCourts } from '../../../functions/domain/court-registry.ts';
import registry from '../../../functions/domain/courts.registry.json' with { type: 'json' };
import { COURTS } from '../../../functions/domain/courts.ts';
import { PROVINCE_DESIGNATIONS } from '../../../functions/domain/provinces.ts';

const court = (code: string) => COURTS.find((c) => c.code === code) as Court;
const withChange = (...changes: Court[]) => {
  const byCode = new Map(COURTS.map((c) => [c.code, c]));
  for (const c of changes) byCode.set(c.code, c);
  return [...byCode.values()];
};
const issuesOf = (...changes: Court[]) =>
  validateCourts(withChange(...changes), new Set(changes.map((c) => c.code))).map((i) => [
    i.court,
    i.code,
    i.field,
  ]);

describe('validateCourts', () => {
  it('accepts the committed registry whole', () => {
    expect(validateCourts(COURTS)).toEqual([]);
  });

  it('accepts moving a basic court under another intermediate court of its province', () => {
    expect(issuesOf({ ...court('BJ0105'), parentCode: 'BJ01' })).toEqual([]);
  });

  it('refuses an unknown parent', () => {
    expect(issuesOf({ ...court('BJ0105'), parentCode: 'BJ09' })).toEqual([
      ['BJ0105', 'UNKNOWN_PARENT_COURT', 'parentCode'],
    ]);
  });

  it('refuses a parent in another province', () => {
    expect(issuesOf({ ...court('BJ0105'), parentCode: 'TJ01' })).toEqual([
      ['BJ0105', 'COURT_PARENT_CROSSES_PROVINCE', 'parentCode'],
    ]);
  });

  it('refuses a cycle', () => {
    expect(issuesOf({ ...court('BJ03'), parentCode: 'BJ0105' }).map((i) => i[1])).toContain(
      'COURT_PARENT_CYCLE',
    );
  });

  it('refuses a basic court directly under a high court (level consistency)', () => {
    expect(issuesOf({ ...court('BJ0105'), parentCode: 'BJ' })).toEqual([
      ['BJ0105', 'COURT_LEVEL_MISMATCH', 'parentCode'],
    ]);
  });

  it('refuses a level the code does not have', () => {
    expect(issuesOf({ ...court('BJ0105'), level: 'intermediate' })).toContainEqual([
      'BJ0105',
      'COURT_LEVEL_MISMATCH',
      'level',
    ]);
  });

  it('refuses a designation another court holds, naming the changed court', () => {
    expect(issuesOf({ ...court('BJ0105'), caseCourtPrefix: '京0106' })).toEqual([
      ['BJ0105', 'CASE_PREFIX_TAKEN', 'caseCourtPrefix'],
    ]);
  });

  it('refuses a designation of another province or shape', () => {
    expect(issuesOf({ ...court('BJ0105'), caseCourtPrefix: '津9999' })).toEqual([
      ['BJ0105', 'INVALID_CASE_COURT_PREFIX', 'caseCourtPrefix'],
    ]);
  });

  it('refuses directToHighCourt outside the municipalities and a province the code does not name', () => {
    expect(
      issuesOf({ ...court('HE0121'), directToHighCourt: true, province: 'BJ' }).map((i) => i[1]),
    ).toEqual(['COURT_PROVINCE_MISMATCH', 'DIRECT_TO_HIGH_COURT_NOT_ALLOWED']);
  });

  it('checks the children of a changed court too', () => {
    // BJ03 becoming a basic-shaped parent is impossible by code; a child of a moved court is re-checked.
    const issues = validateCourts(withChange({ ...court('BJ03'), parentCode: 'BJ0105' }), new Set(['BJ03']));
    expect(issues.some((i) => i.court === 'BJ0105' && i.code === 'COURT_PARENT_CYCLE')).toBe(true);
  });
});

describe('CourtRegistry', () => {
  it('routes by the rows it was built from, not by the committed file', () => {
    const basic = new CourtRegistry(withChange({ ...court('BJ0106'), parentCode: 'BJ01' }));
    expect(basic.approvalRoute('BJ0106')).toEqual(['BJ0106', 'BJ01', 'BJ']);
    expect(basic.isWithinJurisdiction('BJ02', 'BJ0106')).toBe(false);
  });
});

describe('PROVINCE_DESIGNATIONS', () => {
  it('is the generated registry’s province list', () => {
    expect(PROVINCE_DESIGNATIONS.map((p) => [p.code, p.abbr, p.name])).toEqual(
      (registry as { provinces: unknown }).provinces,
    );
  });
});
