import { describe, expect, it } from 'vitest';
import { type Court, CourtRegistry } from '../../functions/domain/court-registry.ts';
import { SEED_REGISTRY } from '../../functions/domain/courts.ts';
import { findCourt } from '../../functions/usecases/find-court.ts';
import { getCampaign } from '../../functions/usecases/get-campaign.ts';
import { listCampaigns } from '../../functions/usecases/list-campaigns.ts';
import { listCourts } from '../../functions/usecases/list-courts.ts';
import { refusal, world } from './world.ts';

/** Reference data: the court registry (GET /courts, /courts/{code}) and the campaigns (GET /campaigns…). */

const court = (code: string, level: Court['level'], parentCode: string | null, province: string): Court => ({
  code,
  name: `${code}法院`,
  level,
  parentCode,
  province,
  directToHighCourt: false,
  caseCourtPrefix: code,
});

const SMALL = new CourtRegistry([
  court('SPC', 'spc', null, 'SPC'),
  court('JX', 'high', 'SPC', 'JX'),
  court('JX01', 'intermediate', 'JX', 'JX'),
  court('JX0101', 'basic', 'JX01', 'JX'),
  court('JX0102', 'basic', 'JX01', 'JX'),
  court('JX0103', 'basic', 'JX01', 'JX'),
  court('BJ', 'high', 'SPC', 'BJ'),
  court('BJ01', 'intermediate', 'BJ', 'BJ'),
]);
const cursorOf = (code: string) => Buffer.from(code).toString('base64url');
const codes = (r: { items: Court[] }) => r.items.map((c) => c.code);

describe('findCourt', () => {
  it('returns the court of the registry, NOT_FOUND for a code it does not hold', async () => {
    const w = await world();
    expect(await findCourt(w.deps, 'JX0102')).toEqual(SEED_REGISTRY.get('JX0102'));
    const error = await refusal(findCourt(w.deps, 'XX9999'));
    expect({ code: error.code, status: error.status }).toEqual({ code: 'NOT_FOUND', status: 404 });
  });
});

describe('listCourts', () => {
  it('filters by level, parent and province together, in registry order', async () => {
    const w = await world();
    w.courts.current = SMALL;
    expect(codes(await listCourts(w.deps, { limit: 100 }))).toEqual(SMALL.courts.map((c) => c.code));
    expect(codes(await listCourts(w.deps, { level: 'high', limit: 100 }))).toEqual(['JX', 'BJ']);
    expect(codes(await listCourts(w.deps, { parentCode: 'JX01', limit: 100 }))).toEqual([
      'JX0101',
      'JX0102',
      'JX0103',
    ]);
    expect(codes(await listCourts(w.deps, { province: 'BJ', limit: 100 }))).toEqual(['BJ', 'BJ01']);
    expect(codes(await listCourts(w.deps, { province: 'JX', level: 'intermediate', limit: 100 }))).toEqual([
      'JX01',
    ]);
    expect(await listCourts(w.deps, { province: 'JX', parentCode: 'BJ', limit: 100 })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('pages with the last code seen as the cursor, and no cursor after the last page', async () => {
    const w = await world();
    w.courts.current = SMALL;
    const first = await listCourts(w.deps, { parentCode: 'JX01', limit: 2 });
    expect(first).toEqual({
      items: [SMALL.get('JX0101'), SMALL.get('JX0102')],
      nextCursor: cursorOf('JX0102'),
    });
    const second = await listCourts(w.deps, {
      parentCode: 'JX01',
      limit: 2,
      cursor: first.nextCursor as string,
    });
    expect(second).toEqual({ items: [SMALL.get('JX0103')], nextCursor: null });
    // A page ending exactly at the last court has no next page either.
    expect((await listCourts(w.deps, { parentCode: 'JX01', limit: 3 })).nextCursor).toBeNull();
  });

  it('refuses a cursor that names no court of the filtered list (INVALID_CURSOR)', async () => {
    const w = await world();
    w.courts.current = SMALL;
    for (const cursor of ['garbage', cursorOf('BJ01'), cursorOf('XX')]) {
      const error = await refusal(listCourts(w.deps, { parentCode: 'JX01', limit: 2, cursor }));
      expect({ code: error.code, status: error.status }).toEqual({ code: 'INVALID_CURSOR', status: 400 });
    }
  });
});

describe('listCampaigns and getCampaign', () => {
  it('lists every campaign as the API shows it (settings filled in), by handling start', async () => {
    const w = await world();
    const { rulingLegalBasis: _r, requireDebtor: _d, ...bare } = w.campaign;
    await w.campaigns.put({
      ...bare,
      id: 'early',
      handling: { start: '2020-01-01T00:00:00+08:00', end: w.campaign.handling.end },
      version: 3,
    });
    const listed = await listCampaigns(w.deps);
    expect(listed.nextCursor).toBeNull();
    expect(listed.items.map((c) => c.id)).toEqual(['early', 'demo']);
    // The view: no version, every setting with its default (the CPL basis of the handling start's time).
    expect(listed.items[0]).not.toHaveProperty('version');
    expect(listed.items[0]).toMatchObject({
      requireDebtor: false,
      requireTerminationChecklist: false,
      assetCheckIntervalMonths: 6,
      assetCheckYears: 5,
      rulingLegalBasis: { article: 257, item: 6 },
    });
    expect(listed.items[1]).toMatchObject({ id: 'demo', rulingLegalBasis: w.campaign.rulingLegalBasis });
  });

  it('gets one campaign as stored (its version included), NOT_FOUND for an unknown id', async () => {
    const w = await world();
    await w.campaigns.put({ ...w.campaign, version: 4 });
    expect(await getCampaign(w.deps, 'demo')).toEqual({ ...w.campaign, version: 4 });
    const error = await refusal(getCampaign(w.deps, 'nope'));
    expect({ code: error.code, status: error.status }).toEqual({ code: 'NOT_FOUND', status: 404 });
  });
});
