import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/handlers/http/routes.ts';
import type { Route } from '../../functions/lib/http.ts';
import {
  CatalogError,
  HANDLER_DIRS,
  loadHandlerCatalog,
  mapRoutes,
  taskFunctions,
} from '../../infra/stacks/catalog.ts';

const CONFIG_VARIABLES = [
  'TABLE_NAME',
  'DOCUMENTS_BUCKET',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWKS_URL',
  'JWKS_JSON',
];

function fakeRoute(operationId: string, auth: Route['spec']['auth'] = 'jwt'): Route {
  return {
    spec: { operationId, method: 'GET', path: `/${operationId}`, summary: '', tags: [], auth, responses: [] },
    handler: async () => ({ statusCode: 200 }),
  };
}

describe('handler catalog', () => {
  it('loads every handler module without any configuration', async () => {
    // The e2e tier's global setup (same vitest run) sets the local stack's variables: hide them here.
    const saved = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, process.env[name]]));
    for (const name of CONFIG_VARIABLES) delete process.env[name];
    try {
      for (const name of CONFIG_VARIABLES) expect(process.env[name]).toBeUndefined();
      const catalog = await loadHandlerCatalog();
      expect(catalog.http.length).toBeGreaterThan(0);
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    }
  });

  it('maps each deployed route to the module and export that define it', async () => {
    const catalog = await loadHandlerCatalog();
    const deployed = apiRoutes.filter((r) => r.spec.auth !== 'local-only');
    expect(catalog.http.map((h) => h.route.operationId)).toEqual(deployed.map((r) => r.spec.operationId));
    for (const [i, entry] of catalog.http.entries()) {
      expect(path.dirname(entry.entry)).toBe(HANDLER_DIRS.http);
      const [exportName, property] = entry.exportPath.split('.');
      expect(property).toBe('handler');
      const module = (await import(pathToFileURL(entry.entry).href)) as Record<string, Route>;
      expect(module[exportName as string]).toBe(deployed[i]);
    }
    expect(catalog.http.find((h) => h.route.operationId === 'createApplication')).toMatchObject({
      entry: path.join(HANDLER_DIRS.http, 'applications.ts'),
      exportPath: 'createApplication.handler',
    });
  });

  it('rejects a route that no handler module exports', async () => {
    const orphan = fakeRoute('orphanRoute');
    await expect(mapRoutes([...apiRoutes, orphan], HANDLER_DIRS.http)).rejects.toThrow(CatalogError);
    await expect(mapRoutes([orphan], HANDLER_DIRS.http)).rejects.toThrow(/orphanRoute \(GET \/orphanRoute\)/);
  });

  it('skips local-only routes', async () => {
    const mapped = await mapRoutes([fakeRoute('devOnly', 'local-only')], HANDLER_DIRS.http);
    expect(mapped).toEqual([]);
  });

  it('rejects the same route twice', async () => {
    const first = apiRoutes[0] as Route;
    await expect(mapRoutes([first, first], HANDLER_DIRS.http)).rejects.toThrow(/Duplicate route/);
  });

  it('lists the task exports that ASL placeholders and schedules can name', async () => {
    const tasks = await taskFunctions(HANDLER_DIRS.tasks);
    for (const name of [
      'recordTaskToken',
      'escalate',
      'dispatchPackage',
      'recordFault',
      'reconcile',
      'redrive',
    ]) {
      expect(tasks.get(name)).toEqual({
        entry: path.join(HANDLER_DIRS.tasks, 'approval.ts'),
        exportPath: name,
      });
    }
    expect(tasks.has('handOver')).toBe(false);
    expect(await taskFunctions(path.join(HANDLER_DIRS.tasks, 'no-such-dir'))).toEqual(new Map());
  });
});
