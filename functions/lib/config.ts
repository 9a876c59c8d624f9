import * as z from 'zod/mini';

/**
 * Configuration (style §6). Each client factory (functions/factories/) parses the variables it needs
 * — and only those — with its own zod schema, once per cold start; a missing or malformed variable
 * fails there with its name, never later with an undefined deep inside an adapter. A function is
 * configured by CDK with exactly the variables of the resources its spec grants (infra/constructs/
 * relief-function.ts, bind*), so a factory the function has no grant for fails on first use.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses `env` with `schema` (zod/mini: tree-shakable, so a function that validates nothing else with
 * zod bundles ~10 KB of it instead of ~90 KB); throws a ConfigError that names every offending variable.
 */
export function readEnv<S extends z.core.$ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = z.safeParse(schema, env);
  if (!result.success) {
    const names = result.error.issues
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : 'environment'}: ${i.message}`)
      .join('; ');
    throw new ConfigError(`Invalid configuration: ${names}`);
  }
  return result.data;
}

/** A variable that must be set and non-empty. */
export const required = () => z.string({ error: 'is not set' }).check(z.minLength(1, { error: 'is empty' }));

/**
 * Memoises a factory: built on first call, then shared by the whole execution environment. Call it
 * annotated as pure (a `@__PURE__` comment before `once(…)`) at module level (functions/factories/):
 * esbuild then drops a factory the entry never calls, with the adapter class it builds. Without the
 * annotation every entry importing factories/dynamodb.ts bundled all seven stores (esbuild does not
 * honour `@__NO_SIDE_EFFECTS__` on this declaration across modules). test/infra/bundling.test.ts
 * checks that the stores stay out of the entries that do not build them.
 */
export function once<T>(build: () => T): () => T {
  let value: { built: T } | undefined;
  return () => {
    value ??= { built: build() };
    return value.built;
  };
}
