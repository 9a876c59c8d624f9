/**
 * Builds a module-level value at once and returns it. Called with a `@__PURE__` comment in front
 * (`export const X = ` + the comment + `shakable(() => z.object(…))`), it lets esbuild drop a value
 * that nothing in the bundle reads, with whatever only that value references, which esbuild cannot do
 * for a bare `z.object(…)` chain: nothing tells it that zod's builders have no side effects. A value
 * that is read is built at import exactly as before, so no work moves into the first request.
 * functions/http/schemas.ts builds every shared schema this way, so that a Lambda entry builds the
 * few its route parses instead of all ~560 zod instances (≈12 ms of a fresh import, and its GC).
 * The OpenAPI generator (tsx, no bundling) still builds and registers every one, in the same order.
 */
export function shakable<T>(build: () => T): T {
  return build();
}
