import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One invocation's scratch space — an HTTP request, a task, an S3 event — that nothing outside it
 * sees: what a piece of work read may be used again by that same work (the application repository
 * builds a change on the request's own read), never by the next request in the container nor by a
 * concurrent one in the local runner. Entered where the correlation id is (lib/http.ts, lib/task.ts);
 * outside one (scripts, tests that do not enter it) nothing is remembered.
 */
const scope = new AsyncLocalStorage<Map<string, unknown>>();

export function withInvocationScope<T>(fn: () => T): T {
  return scope.run(new Map(), fn);
}

/** The current invocation's scratch space, if the work runs in one. */
export function invocationScope(): Map<string, unknown> | undefined {
  return scope.getStore();
}
