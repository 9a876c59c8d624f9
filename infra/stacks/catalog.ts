import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Route, RouteSpec } from '../../functions/lib/http.ts';

/**
 * What the stateless stack deploys, discovered from the handler modules themselves so that a new
 * route or task cannot be forgotten: every entry of `apiRoutes` becomes one function and one API
 * route, every task export can back a `${XxxFunction}` placeholder of an ASL file.
 *
 * Importing the handler modules needs no configuration (their dependencies are built lazily).
 */

/** The repository root, resolved from this module (style §8), not from the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const HANDLER_DIRS = {
  http: path.join(REPO_ROOT, 'functions/handlers/http'),
  tasks: path.join(REPO_ROOT, 'functions/handlers/tasks'),
  events: path.join(REPO_ROOT, 'functions/handlers/events'),
};

export const STATE_MACHINES_DIR = path.join(REPO_ROOT, 'statemachines');

/** A function's code: the module esbuild bundles and the property path Lambda calls in it. */
export interface FunctionSource {
  /** Absolute path of the bundled module. */
  entry: string;
  /**
   * Property path of the handler inside the module: `createApplication.handler` for a route object,
   * `recordTaskToken` for a plain function. The Lambda Node.js runtime resolves nested paths
   * (`index.createApplication.handler`), so handler modules need no extra `handler` exports.
   */
  exportPath: string;
}

export type RouteInfo = Pick<RouteSpec, 'operationId' | 'method' | 'path' | 'auth'>;

export interface HttpFunction extends FunctionSource {
  route: RouteInfo;
}

export interface HandlerCatalog {
  /** One per deployed route (`local-only` routes excluded), in `apiRoutes` order. */
  http: HttpFunction[];
  /** S3 ObjectCreated on the documents bucket. */
  documentUploaded: FunctionSource;
  /** Plain task functions by export name (functions/handlers/tasks/*.ts), for ASL placeholders and schedules. */
  tasks: Map<string, FunctionSource>;
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

function modulesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join(dir, f));
}

async function load(file: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

function isRoute(value: unknown): value is Route {
  const v = value as Route | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.handler === 'function' &&
    typeof v.spec?.operationId === 'string'
  );
}

/**
 * Maps each route object of `routes` to the module and export that define it (by identity).
 * A route that no module in `httpDir` exports cannot be deployed: that is an error, not a skip.
 */
export async function mapRoutes(routes: readonly Route[], httpDir: string): Promise<HttpFunction[]> {
  const where = new Map<Route, FunctionSource>();
  for (const file of modulesIn(httpDir)) {
    for (const [name, value] of Object.entries(await load(file))) {
      if (isRoute(value) && !where.has(value))
        where.set(value, { entry: file, exportPath: `${name}.handler` });
    }
  }
  const seen = new Set<string>();
  const out: HttpFunction[] = [];
  for (const r of routes) {
    if (r.spec.auth === 'local-only') continue;
    const source = where.get(r);
    if (!source) {
      throw new CatalogError(
        `Route ${r.spec.operationId} (${r.spec.method} ${r.spec.path}) is not exported by any module in ${httpDir}`,
      );
    }
    const key = `${r.spec.method} ${r.spec.path}`;
    if (seen.has(key) || seen.has(r.spec.operationId)) {
      throw new CatalogError(`Duplicate route ${key} / ${r.spec.operationId}`);
    }
    seen.add(key);
    seen.add(r.spec.operationId);
    const { operationId, method, path: routePath, auth } = r.spec;
    out.push({ ...source, route: { operationId, method, path: routePath, auth } });
  }
  return out;
}

/** Every exported function of functions/handlers/tasks/*.ts, by export name (names must be unique). */
export async function taskFunctions(tasksDir: string): Promise<Map<string, FunctionSource>> {
  const tasks = new Map<string, FunctionSource>();
  for (const file of modulesIn(tasksDir)) {
    for (const [name, value] of Object.entries(await load(file))) {
      if (typeof value !== 'function') continue;
      const earlier = tasks.get(name);
      if (earlier)
        throw new CatalogError(`Task export ${name} is defined in both ${earlier.entry} and ${file}`);
      tasks.set(name, { entry: file, exportPath: name });
    }
  }
  return tasks;
}

export async function loadHandlerCatalog(): Promise<HandlerCatalog> {
  const { apiRoutes } = (await load(path.join(HANDLER_DIRS.http, 'routes.ts'))) as { apiRoutes: Route[] };
  const documentUploadedFile = path.join(HANDLER_DIRS.events, 'document-uploaded.ts');
  const documentUploaded = await load(documentUploadedFile);
  if (typeof documentUploaded.handler !== 'function') {
    throw new CatalogError(`${documentUploadedFile} must export a function named handler`);
  }
  return {
    http: await mapRoutes(apiRoutes, HANDLER_DIRS.http),
    documentUploaded: { entry: documentUploadedFile, exportPath: 'handler' },
    tasks: await taskFunctions(HANDLER_DIRS.tasks),
  };
}
