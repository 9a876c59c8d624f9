/**
 * What the local access guard cannot see (infra/local/access-guard.ts): the campaign and court stores
 * cache their reads per container, and the local runner is one container for every entry, so one entry
 * can warm the cache another relies on. Each deployed function has its own cache and reads itself: an
 * entry that uses a caching store (directly or through the deps that carry it) must be granted its
 * partition. Everything else a function touches is checked at run time by the guard in the e2e tier.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../functions/http/routes.ts';
import { type KeyFamily, readableFamilies } from '../../../functions/lib/access.ts';
import { routeEntryPath } from '../../../functions/lib/route-spec.ts';
import { taskEntryPath, taskSpecs } from '../../../functions/tasks/specs.ts';
import { REPO_ROOT } from '../../../infra/stacks/catalog.ts';

/** functions/factories/dynamodb.ts exports that read through a per-container cache, and what they read. */
const CACHED: Record<string, KeyFamily[]> = {
  campaignStore: ['CAMPAIGNS'],
  courtStore: ['COURTS'],
  applicationDeps: ['CAMPAIGNS', 'COURTS'],
  reportDeps: ['CAMPAIGNS', 'COURTS'],
};

const entries = [
  ...apiRoutes
    .filter((r) => r.spec.auth !== 'local-only')
    .map((r) => ({
      name: r.spec.operationId,
      file: routeEntryPath(r.spec.operationId),
      access: r.spec.access,
    })),
  ...taskSpecs.map((t) => ({ name: t.name, file: taskEntryPath(t), access: t.access })),
];

describe('grants for cached reads', () => {
  it.each(entries)('$name is granted what its caching stores read', ({ file, access }) => {
    const source = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    const needed = Object.entries(CACHED)
      .filter(([name]) => new RegExp(`\\b${name}\\b`).test(source))
      .flatMap(([, families]) => families);
    const readable = access.table ? readableFamilies(access.table) : [];
    expect(readable).toEqual(expect.arrayContaining([...new Set(needed)]));
  });
});
