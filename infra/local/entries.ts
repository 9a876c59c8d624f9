import { pathToFileURL } from 'node:url';
import { apiRoutes } from '../../functions/http/routes.ts';
import type { Route } from '../../functions/lib/http.ts';
import { type DeclaredRoute, routeEntryPath } from '../../functions/lib/route-spec.ts';
import { type TaskSpec, taskEntryPath, taskSpecs } from '../../functions/tasks/specs.ts';
import { installAccessGuard, runUnder } from './access-guard.ts';

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
    const handler = module.handler as Route['handler'];
    out.push({
      spec,
      handler: ((...args: Parameters<Route['handler']>) =>
        runUnder(spec.operationId, spec.access ?? {}, () => handler(...args))) as Route['handler'],
    });
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
    const handler = module.handler as TaskHandler;
    out.set(spec.name, (payload) => runUnder(spec.name, spec.access, () => handler(payload)));
  }
  return out;
}

/**
 * Checks the entries' DynamoDB requests against their specs' grants (infra/local/access-guard.ts), as
 * RELIEF_ACCESS_GUARD says (`enforce` unless set). Call once the configuration is in the environment.
 */
export async function guardTableAccess(): Promise<void> {
  const mode = (process.env.RELIEF_ACCESS_GUARD ?? 'enforce') as 'enforce' | 'record' | 'off';
  const { documentClient } = await load('functions/factories/dynamodb.ts');
  installAccessGuard(
    (documentClient as () => Parameters<typeof installAccessGuard>[0])(),
    mode,
    process.env.RELIEF_ACCESS_GUARD_FILE,
  );
}
