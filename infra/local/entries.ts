import { pathToFileURL } from 'node:url';
import { apiRoutes } from '../../functions/http/routes.ts';
import type { Route } from '../../functions/lib/http.ts';
import { type DeclaredRoute, routeEntryPath } from '../../functions/lib/route-spec.ts';
import { type TaskSpec, taskEntryPath, taskSpecs } from '../../functions/tasks/specs.ts';

/**
 * The Lambda entries (functions/entries/), imported as Lambda runs them: the local runner and the
 * benchmarks mount these, so the e2e tier exercises exactly what is deployed. Import them only once the
 * configuration is in the environment (each entry's factories read it at first use).
 */
const ROOT = new URL('../../', import.meta.url);

async function load(relative: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(new URL(relative, ROOT).pathname).href)) as Record<string, unknown>;
}

/** Every deployed route's entry, as `{ spec, handler }`; an entry that serves another spec is an error. */
export async function loadRouteEntries(routes: readonly DeclaredRoute[] = apiRoutes): Promise<Route[]> {
  const out: Route[] = [];
  for (const { spec } of routes) {
    if (spec.auth === 'local-only') continue;
    const file = routeEntryPath(spec.operationId);
    const module = await load(file);
    const route = module.route as Route | undefined;
    if (route?.spec !== spec || typeof module.handler !== 'function') {
      throw new Error(
        `${file} must export route (defined from the ${spec.operationId} spec) and its handler`,
      );
    }
    out.push({ spec, handler: module.handler as Route['handler'] });
  }
  return out;
}

export type TaskHandler = (payload: unknown) => Promise<unknown>;

/** Every task's entry handler, by task name. */
export async function loadTaskEntries(
  specs: readonly TaskSpec[] = taskSpecs,
): Promise<Map<string, TaskHandler>> {
  const out = new Map<string, TaskHandler>();
  for (const spec of specs) {
    const file = taskEntryPath(spec);
    const module = await load(file);
    if (module.spec !== spec || typeof module.handler !== 'function') {
      throw new Error(`${file} must export spec (the ${spec.name} task spec) and handler`);
    }
    out.set(spec.name, module.handler as TaskHandler);
  }
  return out;
}
