import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../functions/http/routes.ts';
import { kebab, type RouteSpec } from '../../../functions/lib/route-spec.ts';

/**
 * One route spec per file (functions/http/specs/<operation-id>.ts), so that an entry imports exactly
 * its own spec (and the schemas shared in http/schemas.ts), never another route's.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SPECS = path.join(ROOT, 'functions/http/specs');
const ENTRIES = path.join(ROOT, 'functions/entries/http');
const names = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();

const isSpec = (value: unknown): value is RouteSpec =>
  typeof value === 'object' && value !== null && 'operationId' in value && 'access' in value;

describe('route specs, one per file', () => {
  it('each file in http/specs exports exactly one spec, named by its operationId, listed in routes.ts', async () => {
    const files = names(SPECS);
    expect(files.length).toBe(apiRoutes.length);
    const listed = new Set(apiRoutes.map((r) => r.spec));
    for (const file of files) {
      const module = (await import(pathToFileURL(path.join(SPECS, `${file}.ts`)).href)) as Record<
        string,
        unknown
      >;
      const specs = Object.values(module).filter(isSpec);
      expect(specs, file).toHaveLength(1);
      const [spec] = specs as [RouteSpec];
      expect(kebab(spec.operationId), file).toBe(file);
      expect(listed.has(spec), file).toBe(true);
    }
  });

  it('each HTTP entry imports its own spec file and no other route spec', () => {
    expect(names(ENTRIES)).toEqual(names(SPECS));
    for (const entry of names(ENTRIES)) {
      const text = readFileSync(path.join(ENTRIES, `${entry}.ts`), 'utf8');
      const fromHttp = [...text.matchAll(/from\s*['"]\.\.\/\.\.\/http\/([^'"]+)['"]/g)].map((m) => m[1]);
      expect(fromHttp, entry).toContain(`specs/${entry}.ts`);
      for (const target of fromHttp)
        expect([`specs/${entry}.ts`, 'schemas.ts', 'openapi-gzip.ts'], entry).toContain(target);
    }
  });
});
