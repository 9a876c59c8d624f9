/**
 * `importCourts` (POST /courts/imports): the official designation list upserts the courts it names,
 * validated as a whole against the registry as it would be after, all or nothing; a dry run writes
 * nothing; an applied import is one audit entry on the trail of every court it added or changed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryCourtStore } from '../../functions/adapters/memory/courts.ts';
import { verifyChain } from '../../functions/domain/audit-chain.ts';
import type { Court } from '../../functions/domain/court-registry.ts';
import { getCourt, SEED_REGISTRY } from '../../functions/domain/courts.ts';
import {
  ConflictError,
  ForbiddenError,
  PayloadTooLargeError,
  UnprocessableError,
} from '../../functions/lib/errors.ts';
import { courtAudit } from '../../functions/usecases/get-court-audit.ts';
import { importCourts } from '../../functions/usecases/import-courts.ts';
import { idempotencyFor, people } from './world.ts';

const court = (code: string): Court => structuredClone(getCourt(code) as Court);
const NEW_COURT: Court = {
  code: 'QH0199',
  name: '青海省西宁市新区人民法院',
  level: 'basic',
  parentCode: 'QH01',
  province: 'QH',
  directToHighCourt: false,
  caseCourtPrefix: '青0199',
};

function setup() {
  const courts = new MemoryCourtStore();
  return { courts, deps: { courts } };
}

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a refusal').toBeInstanceOf(Error);
  return err as UnprocessableError;
}

describe('importCourts', () => {
  it('dry run: reports added, changed field by field and unchanged, and writes nothing', async () => {
    const { courts, deps } = setup();
    const renamed = { ...court('QH0102'), name: '青海省西宁市城东区人民法院（更名）' };
    const report = await importCourts(deps, people.spcAdmin, [renamed, court('QH0103'), NEW_COURT], true);
    expect(report).toMatchObject({
      dryRun: true,
      applied: false,
      version: 0,
      total: 3,
      added: [NEW_COURT],
      changed: [
        {
          code: 'QH0102',
          changes: { name: { from: '青海省西宁市城东区人民法院', to: '青海省西宁市城东区人民法院（更名）' } },
        },
      ],
      unchanged: 1,
    });
    expect(courts.current).toBe(SEED_REGISTRY);
    expect(courts.audit).toEqual([]);
  });

  it('apply: upserts the rows, bumps the version once and audits on each touched court’s trail', async () => {
    const { courts, deps } = setup();
    const moved = { ...court('QH0102'), caseCourtPrefix: '青0198' };
    const report = await importCourts(deps, people.spcAdmin, [moved, court('QH0103'), NEW_COURT], false);
    expect(report).toMatchObject({ dryRun: false, applied: true, version: 1, unchanged: 1 });
    expect(courts.current.get('QH0199')).toEqual(NEW_COURT);
    expect(courts.current.get('QH0102')?.caseCourtPrefix).toBe('青0198');
    expect(courts.current.courts).toHaveLength(SEED_REGISTRY.courts.length + 1);
    expect(courts.audit).toHaveLength(1);
    expect(courts.audit[0]).toMatchObject({
      action: 'courts.imported',
      actor: { sub: people.spcAdmin.sub },
      detail: { changed: { QH0102: { caseCourtPrefix: { from: '青0102', to: '青0198' } } } },
    });
    expect([...(courts.audit[0]?.courts ?? [])].sort()).toEqual(['QH0102', 'QH0199']);
    for (const code of ['QH0102', 'QH0199']) {
      const trail = await courtAudit(deps, code);
      expect(trail.items).toHaveLength(1);
      expect(trail.chainValid).toBe(true);
    }
    expect((await courtAudit(deps, 'QH0103')).items).toEqual([]);
    expect(verifyChain(courts.audit).valid).toBe(true);
  });

  it('an import that changes nothing writes nothing', async () => {
    const { courts, deps } = setup();
    const report = await importCourts(deps, people.spcAdmin, [court('QH0102')], false);
    expect(report).toMatchObject({ applied: false, unchanged: 1, added: [], changed: [] });
    expect(courts.audit).toEqual([]);
  });

  it('records its Idempotency-Key with the report as the stored response, in the same write', async () => {
    const { courts, deps } = setup();
    const write = idempotencyFor(people.spcAdmin, 'importCourts', {}, 'import-1', { rows: [NEW_COURT] });
    await importCourts(deps, people.spcAdmin, [NEW_COURT], false, write);
    expect([...courts.idempotency.values()]).toEqual([
      expect.objectContaining({
        key: 'import-1',
        response: expect.objectContaining({
          body: expect.objectContaining({ applied: true, version: 1, added: [NEW_COURT] }),
        }),
      }),
    ]);
    expect(courts.audit).toHaveLength(1);
  });

  it.each([
    ['an unknown parent', { parentCode: 'QH98' }, 422, 'UNKNOWN_PARENT_COURT', 'parentCode'],
    [
      'a parent in another province',
      { parentCode: 'GS01' },
      422,
      'COURT_PARENT_CROSSES_PROVINCE',
      'parentCode',
    ],
    ['a parent of the wrong level', { parentCode: 'QH' }, 422, 'COURT_LEVEL_MISMATCH', 'parentCode'],
    ['a bad level', { level: 'intermediate' as const }, 422, 'COURT_LEVEL_MISMATCH', 'level'],
    [
      'a designation another court holds',
      { caseCourtPrefix: '青0103' },
      409,
      'CASE_PREFIX_TAKEN',
      'caseCourtPrefix',
    ],
    [
      'a malformed designation',
      { caseCourtPrefix: '青01999' },
      422,
      'INVALID_CASE_COURT_PREFIX',
      'caseCourtPrefix',
    ],
    [
      'a direct report outside a municipality',
      { directToHighCourt: true },
      422,
      'DIRECT_TO_HIGH_COURT_NOT_ALLOWED',
      'directToHighCourt',
    ],
  ])(
    'refuses the whole import for %s, naming the row and column',
    async (_what, patch, status, code, field) => {
      const { courts, deps } = setup();
      const bad = { ...NEW_COURT, ...patch };
      const err = await refusal(
        importCourts(
          deps,
          people.spcAdmin,
          [court('QH0103'), { ...court('QH0104'), name: 'x县人民法院' }, bad],
          false,
        ),
      );
      expect(err).toBeInstanceOf(status === 409 ? ConflictError : UnprocessableError);
      expect(err.code).toBe(code);
      expect(err.errors).toContainEqual(expect.objectContaining({ code, path: `courts/2/${field}` }));
      expect(courts.current).toBe(SEED_REGISTRY);
      expect(courts.audit).toEqual([]);
    },
  );

  it('refuses two rows of the file that take the same new designation, naming the later row', async () => {
    const { deps, courts } = setup();
    const other = { ...NEW_COURT, code: 'QH0198', name: '另一新区人民法院' };
    const err = await refusal(importCourts(deps, people.spcAdmin, [NEW_COURT, other], false));
    expect(err.code).toBe('CASE_PREFIX_TAKEN');
    expect(err.errors?.map((e) => e.path)).toContain('courts/1/caseCourtPrefix');
    expect(courts.audit).toEqual([]);
  });

  it('refuses a parent that makes a cycle (two intermediate courts under each other)', async () => {
    const { deps } = setup();
    const a = { ...court('QH01'), parentCode: 'QH02', level: 'intermediate' as const };
    const b = { ...court('QH02'), parentCode: 'QH01', level: 'intermediate' as const };
    const err = await refusal(importCourts(deps, people.spcAdmin, [a, b], false));
    expect(err.errors?.map((e) => e.code)).toContain('COURT_PARENT_CYCLE');
  });

  it('refuses a court code twice in one file (DUPLICATE_COURT_CODE, the later row)', async () => {
    const { deps } = setup();
    const err = await refusal(importCourts(deps, people.spcAdmin, [NEW_COURT, NEW_COURT], true));
    expect(err.code).toBe('DUPLICATE_COURT_CODE');
    expect(err.errors).toEqual([expect.objectContaining({ path: 'courts/1/code' })]);
  });

  it('refuses an invalid court code (INVALID_COURT_CODE)', async () => {
    const { deps } = setup();
    const err = await refusal(importCourts(deps, people.spcAdmin, [{ ...NEW_COURT, code: 'ZZ0199' }], true));
    expect(err.code).toBe('INVALID_COURT_CODE');
  });

  it('is for SPC administrators only', async () => {
    const { deps, courts } = setup();
    for (const who of [people.highApprover, people.spcClerk, { ...people.spcAdmin, court: 'JX' }]) {
      expect(await refusal(importCourts(deps, who, [NEW_COURT], false))).toBeInstanceOf(ForbiddenError);
    }
    expect(courts.audit).toEqual([]);
  });

  it('refuses an import too large for one audited change (IMPORT_TOO_LARGE), writing nothing', async () => {
    const { deps, courts } = setup();
    const rows = SEED_REGISTRY.courts
      .filter((c) => c.level === 'basic')
      .map((c) => ({ ...c, name: `${c.name}（依官方代字表更名，名称加长以测试审计条目的大小上限）` }));
    const err = await refusal(importCourts(deps, people.spcAdmin, rows, false));
    expect(err).toBeInstanceOf(PayloadTooLargeError);
    expect(err.code).toBe('IMPORT_TOO_LARGE');
    expect(courts.audit).toEqual([]);
  });

  describe('over random courts of the registry (fast-check)', () => {
    const basics = SEED_REGISTRY.courts.filter((c) => c.level === 'basic');
    const intermediates = SEED_REGISTRY.courts.filter((c) => c.level === 'intermediate');

    it('moving a basic court under an intermediate court of its province: imported, its route ends at its own high court, and it is in exactly the new parent’s subtree', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...basics), fc.nat(), async (court, pick) => {
          const same = intermediates.filter((i) => i.province === court.province);
          const parent = same[pick % same.length] as Court;
          const { courts, deps } = setup();
          await importCourts(deps, people.spcAdmin, [{ ...court, parentCode: parent.code }], false);
          const after = courts.current;
          const route = after.approvalRoute(court.code);
          expect(route[0]).toBe(court.code);
          expect(route.at(-1)).toBe(after.highCourtOf(court.code));
          expect(after.get(after.highCourtOf(court.code))?.province).toBe(court.province);
          expect(after.isWithinJurisdiction(parent.code, court.code)).toBe(true);
          const formerParent = court.parentCode as string;
          if (formerParent !== parent.code) {
            expect(after.isWithinJurisdiction(formerParent, court.code)).toBe(false);
          }
        }),
        { numRuns: 40 },
      );
    });

    it('moving a court under a parent of another province is always refused, naming its row, writing nothing', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...basics),
          fc.constantFrom(...intermediates),
          async (court, parent) => {
            fc.pre(parent.province !== court.province);
            const { courts, deps } = setup();
            const err = await refusal(
              importCourts(deps, people.spcAdmin, [{ ...court, parentCode: parent.code }], false),
            );
            expect(err.code).toBe('COURT_PARENT_CROSSES_PROVINCE');
            expect(err.errors).toContainEqual(expect.objectContaining({ path: 'courts/0/parentCode' }));
            expect(courts.current).toBe(SEED_REGISTRY);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});
