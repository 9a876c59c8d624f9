import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/http/routes.ts';
import type { Route } from '../../functions/lib/http.ts';
import type { DeclaredRoute, RouteSpec } from '../../functions/lib/route-spec.ts';
import { taskSpecs } from '../../functions/tasks/specs.ts';
import { CatalogError, handlerCatalog, mapRoutes, mapTasks, REPO_ROOT } from '../../infra/stacks/catalog.ts';

function fakeRoute(operationId: string, auth: RouteSpec['auth'] = 'jwt'): DeclaredRoute {
  return {
    spec: {
      operationId,
      method: 'GET',
      path: `/${operationId}`,
      summary: '',
      tags: [],
      auth,
      responses: [],
      access: {},
    },
  };
}

const ENTRIES = path.join(REPO_ROOT, 'functions/entries');
const entryFiles = () =>
  readdirSync(ENTRIES, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();

describe('handler catalog (from the specs)', () => {
  it('gives each deployed route its own entry module, in apiRoutes order, exporting a handler built from that spec', async () => {
    const catalog = handlerCatalog();
    const deployed = apiRoutes.filter((r) => r.spec.auth !== 'local-only');
    expect(catalog.http.map((h) => h.route)).toEqual(deployed.map((r) => r.spec));
    for (const fn of catalog.http) {
      expect(path.dirname(fn.entry)).toBe(path.join(ENTRIES, 'http'));
      expect(fn.exportPath).toBe('handler');
      const module = (await import(pathToFileURL(fn.entry).href)) as { route: Route; handler: unknown };
      expect(module.route.spec, fn.entry).toBe(fn.route);
      expect(module.handler).toBe(module.route.handler);
    }
    expect(catalog.http.find((h) => h.route.operationId === 'getApplicationAudit')?.entry).toBe(
      path.join(ENTRIES, 'http/get-application-audit.ts'),
    );
  });

  it('gives each task its own entry module exporting its spec and a handler', async () => {
    const catalog = handlerCatalog();
    const all = [...catalog.tasks.values(), catalog.documentUploaded];
    expect(all.map((t) => t.task).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [...taskSpecs].sort((a, b) => a.name.localeCompare(b.name)),
    );
    for (const fn of all) {
      const module = (await import(pathToFileURL(fn.entry).href)) as { spec: unknown; handler: unknown };
      expect(module.spec, fn.entry).toBe(fn.task);
      expect(typeof module.handler).toBe('function');
    }
    expect(catalog.documentUploaded.entry).toBe(path.join(ENTRIES, 'events/document-uploaded.ts'));
    for (const name of [
      'recordTaskToken',
      'escalate',
      'dispatchPackage',
      'recordFault',
      'reconcile',
      'redrive',
    ]) {
      expect(catalog.tasks.get(name)?.entry).toMatch(/functions\/entries\/tasks\/[a-z-]+\.ts$/);
    }
  });

  it('has no entry module that no spec names (functions/entries holds the Lambda entries only)', () => {
    const catalog = handlerCatalog();
    const named = [
      ...catalog.http.map((h) => h.entry),
      ...[...catalog.tasks.values()].map((t) => t.entry),
      catalog.documentUploaded.entry,
    ].sort();
    expect(entryFiles()).toEqual(named);
  });

  it('rejects a route without an entry module, naming the file to create', () => {
    const orphan = fakeRoute('orphanRoute');
    expect(() => mapRoutes([...apiRoutes, orphan])).toThrow(CatalogError);
    expect(() => mapRoutes([orphan])).toThrow(
      /orphanRoute \(GET \/orphanRoute\) has no entry module: create functions\/entries\/http\/orphan-route\.ts/,
    );
    expect(existsSync(path.join(ENTRIES, 'http/orphan-route.ts'))).toBe(false);
  });

  it('skips local-only routes', () => {
    expect(mapRoutes([fakeRoute('devOnly', 'local-only')])).toEqual([]);
  });

  it('rejects the same route twice', () => {
    const first = apiRoutes[0] as DeclaredRoute;
    expect(() => mapRoutes([first, first])).toThrow(/Duplicate route/);
  });

  it('rejects a task twice, a task without an entry, and anything but one S3 handler', () => {
    const [first] = taskSpecs;
    expect(() => mapTasks([...taskSpecs, first as never])).toThrow(/specified twice/);
    expect(() =>
      mapTasks([...taskSpecs, { name: 'handOver', description: '', trigger: 'workflow', access: {} }]),
    ).toThrow(/create functions\/entries\/tasks\/hand-over\.ts/);
    expect(() => mapTasks(taskSpecs.filter((t) => t.trigger !== 'object-created'))).toThrow(
      /S3 ObjectCreated/,
    );
  });
});
