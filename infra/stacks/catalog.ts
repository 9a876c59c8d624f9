import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiRoutes } from '../../functions/http/routes.ts';
import { type DeclaredRoute, type RouteSpec, routeEntryPath } from '../../functions/lib/route-spec.ts';
import { type TaskSpec, taskEntryPath, taskSpecs } from '../../functions/tasks/specs.ts';

/**
 * What the stateless stack deploys, read from the specs (pure data: route specs in functions/http/,
 * task specs in functions/tasks/specs.ts), never from handler code: one function per spec, built from
 * its entry (functions/entries/…) with the grants of its `access`. A spec without its entry module is
 * an error at synthesis, not a skip.
 */

/** The repository root, resolved from this module (style §8), not from the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const STATE_MACHINES_DIR = path.join(REPO_ROOT, 'statemachines');

/** A function's code: the entry module esbuild bundles and the export Lambda calls in it. */
export interface FunctionSource {
  /** Absolute path of the entry module. */
  entry: string;
  /** The handler's export: always `handler` (Lambda's handler string is `index.handler`). */
  exportPath: string;
}

export interface HttpFunction extends FunctionSource {
  route: RouteSpec;
}

export interface TaskFunction extends FunctionSource {
  task: TaskSpec;
}

export interface HandlerCatalog {
  /** One per deployed route (`local-only` routes excluded), in `apiRoutes` order. */
  http: HttpFunction[];
  /** The workflow and scheduled tasks by name, for ASL placeholders and schedules. */
  tasks: Map<string, TaskFunction>;
  /** S3 ObjectCreated on the documents bucket. */
  documentUploaded: TaskFunction;
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

function entryOf(relative: string, what: string): FunctionSource {
  const entry = path.join(REPO_ROOT, relative);
  if (!existsSync(entry)) throw new CatalogError(`${what} has no entry module: create ${relative}`);
  return { entry, exportPath: 'handler' };
}

/** Each deployed route's spec and entry; a duplicate method+path or operationId is an error. */
export function mapRoutes(routes: readonly DeclaredRoute[]): HttpFunction[] {
  const seen = new Set<string>();
  const out: HttpFunction[] = [];
  for (const { spec } of routes) {
    if (spec.auth === 'local-only') continue;
    const key = `${spec.method} ${spec.path}`;
    if (seen.has(key) || seen.has(spec.operationId)) {
      throw new CatalogError(`Duplicate route ${key} / ${spec.operationId}`);
    }
    seen.add(key);
    seen.add(spec.operationId);
    const source = entryOf(routeEntryPath(spec.operationId), `Route ${spec.operationId} (${key})`);
    out.push({ ...source, route: spec });
  }
  return out;
}

/** The task specs and their entries: names unique, exactly one S3 ObjectCreated handler. */
export function mapTasks(specs: readonly TaskSpec[]): Pick<HandlerCatalog, 'tasks' | 'documentUploaded'> {
  const tasks = new Map<string, TaskFunction>();
  const uploaded: TaskFunction[] = [];
  const names = new Set<string>();
  for (const task of specs) {
    if (names.has(task.name)) throw new CatalogError(`Task ${task.name} is specified twice`);
    names.add(task.name);
    const fn = { ...entryOf(taskEntryPath(task), `Task ${task.name}`), task };
    if (task.trigger === 'object-created') uploaded.push(fn);
    else tasks.set(task.name, fn);
    const every = task.everyMinutes;
    if (task.trigger === 'schedule' && !(typeof every === 'string' || (every !== undefined && every > 0))) {
      throw new CatalogError(`Scheduled task ${task.name} needs everyMinutes`);
    }
  }
  const [documentUploaded, ...more] = uploaded;
  if (!documentUploaded || more.length > 0) {
    throw new CatalogError('Exactly one task must handle S3 ObjectCreated (trigger object-created)');
  }
  return { tasks, documentUploaded };
}

export function handlerCatalog(
  routes: readonly DeclaredRoute[] = apiRoutes,
  tasks: readonly TaskSpec[] = taskSpecs,
): HandlerCatalog {
  return { http: mapRoutes(routes), ...mapTasks(tasks) };
}
