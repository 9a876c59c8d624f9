/**
 * `putCourt` (PUT /courts/{code}): the SPC administrator replaces one court's fields, validated against
 * the registry as it would be after, audited on the registry's chain in the same write; If-Match is the
 * registry's version; a change of nothing writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { MemoryCourtStore } from '../../functions/adapters/memory/courts.ts';
import { verifyChain } from '../../functions/domain/audit-chain.ts';
import type { Court } from '../../functions/domain/court-registry.ts';
import { getCourt, SEED_REGISTRY } from '../../functions/domain/courts.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
} from '../../functions/lib/errors.ts';
import type { CourtFields } from '../../functions/usecases/courts.ts';
import { courtAudit } from '../../functions/usecases/get-court-audit.ts';
import { putCourt } from '../../functions/usecases/put-court.ts';
import { idempotencyFor, people, refusal } from './world.ts';

function setup() {
  const courts = new MemoryCourtStore();
  return { courts, deps: { courts } };
}

const fieldsOf = (code: string): CourtFields => {
  const { code: _code, ...fields } = structuredClone(getCourt(code) as Court);
  return fields;
};

describe('putCourt', () => {
  it('renames a court: the registry version moves once and the court’s trail records the change', async () => {
    const { courts, deps } = setup();
    const renamed = { ...fieldsOf('QH0102'), name: '青海省西宁市城东区人民法院（更名）' };
    const registry = await putCourt(deps, people.spcAdmin, 'QH0102', renamed, 0);
    expect(registry.version).toBe(1);
    expect(registry.get('QH0102')?.name).toBe('青海省西宁市城东区人民法院（更名）');
    expect(courts.current.get('QH0102')?.name).toBe('青海省西宁市城东区人民法院（更名）');
    expect(courts.audit).toHaveLength(1);
    expect(courts.audit[0]).toMatchObject({
      action: 'court.updated',
      actor: { sub: people.spcAdmin.sub, court: 'SPC' },
      courts: ['QH0102'],
      detail: {
        code: 'QH0102',
        changes: { name: { from: '青海省西宁市城东区人民法院', to: '青海省西宁市城东区人民法院（更名）' } },
      },
    });
    const trail = await courtAudit(deps, 'QH0102');
    expect(trail.items).toHaveLength(1);
    expect(trail.chainValid).toBe(true);
    expect(verifyChain(courts.audit).valid).toBe(true);
  });

  it('a change of nothing writes nothing and answers the registry as it is', async () => {
    const { courts, deps } = setup();
    const registry = await putCourt(deps, people.spcAdmin, 'QH0102', fieldsOf('QH0102'), undefined);
    expect(registry).toBe(SEED_REGISTRY);
    expect(courts.audit).toEqual([]);
  });

  it('records its Idempotency-Key in the same write as the change', async () => {
    const { courts, deps } = setup();
    const renamed = { ...fieldsOf('QH0103'), name: '青海省西宁市城中区人民法院（更名）' };
    const write = idempotencyFor(people.spcAdmin, 'putCourt', { code: 'QH0103' }, 'put-1', renamed);
    await putCourt(deps, people.spcAdmin, 'QH0103', renamed, undefined, write);
    expect([...courts.idempotency.values()]).toEqual([expect.objectContaining({ key: 'put-1' })]);
    expect(courts.audit).toHaveLength(1);
  });

  it.each([
    ['a clerk of the SPC', people.spcClerk],
    ['a court’s clerk', people.clerk],
    ['an spc-admin role outside the SPC', { ...people.spcAdmin, court: 'BJ' }],
  ])('refuses %s with 403 ROLE_FORBIDDEN and changes nothing', async (_who, who) => {
    const { courts, deps } = setup();
    const err = await refusal(putCourt(deps, who, 'QH0102', { ...fieldsOf('QH0102'), name: 'x' }, undefined));
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.code).toBe('ROLE_FORBIDDEN');
    expect(courts.current).toBe(SEED_REGISTRY);
    expect(courts.audit).toEqual([]);
  });

  it('refuses an unknown court with 404 (a PUT does not create courts: the import does)', async () => {
    const { courts, deps } = setup();
    const err = await refusal(putCourt(deps, people.spcAdmin, 'QH0199', fieldsOf('QH0102'), undefined));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(courts.audit).toEqual([]);
  });

  it('refuses a stale If-Match with 409 VERSION_CONFLICT and changes nothing', async () => {
    const { courts, deps } = setup();
    await putCourt(deps, people.spcAdmin, 'QH0102', { ...fieldsOf('QH0102'), name: '甲' }, 0);
    const err = await refusal(
      putCourt(deps, people.spcAdmin, 'QH0103', { ...fieldsOf('QH0103'), name: '乙' }, 0),
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.code).toBe('VERSION_CONFLICT');
    expect(courts.current.get('QH0103')?.name).toBe(getCourt('QH0103')?.name);
    expect(courts.audit).toHaveLength(1);
  });

  it.each([
    ['an unknown parent', { parentCode: 'QH98' }, UnprocessableError, 'UNKNOWN_PARENT_COURT'],
    [
      'a parent in another province',
      { parentCode: 'GS01' },
      UnprocessableError,
      'COURT_PARENT_CROSSES_PROVINCE',
    ],
    ['a designation another court holds', { caseCourtPrefix: '青0103' }, ConflictError, 'CASE_PREFIX_TAKEN'],
    [
      'a malformed designation',
      { caseCourtPrefix: '青01999' },
      UnprocessableError,
      'INVALID_CASE_COURT_PREFIX',
    ],
  ])('refuses %s, naming the code, and changes nothing', async (_what, patch, type, code) => {
    const { courts, deps } = setup();
    const err = await refusal(
      putCourt(deps, people.spcAdmin, 'QH0102', { ...fieldsOf('QH0102'), ...patch }, undefined),
    );
    expect(err).toBeInstanceOf(type);
    expect(err.code).toBe(code);
    expect(courts.current).toBe(SEED_REGISTRY);
    expect(courts.audit).toEqual([]);
  });
});
