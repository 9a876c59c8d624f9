import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StepFunctionsError } from './errors.ts';

const PLACEHOLDER = /\$\{([A-Za-z0-9_.:-]+)\}/g;

/**
 * Reads an ASL file and replaces every `${Name}` token with `substitutions[Name]` (as CDK's
 * `definitionSubstitutions` does). Values are JSON-escaped, since tokens sit inside string literals.
 * Returns the definition as a JSON string, ready for `createStateMachine`.
 * Throws when a token has no substitution, or when the result is not JSON.
 */
export function loadDefinition(aslPath: string | URL, substitutions: Record<string, string>): string {
  const file = typeof aslPath === 'string' ? aslPath : fileURLToPath(aslPath);
  return substituteDefinition(readFileSync(file, 'utf8'), substitutions, file);
}

/** `loadDefinition` on a string already in memory. */
export function substituteDefinition(
  text: string,
  substitutions: Record<string, string>,
  source = 'definition',
): string {
  const missing = new Set<string>();
  const replaced = text.replace(PLACEHOLDER, (token, name: string) => {
    const value = substitutions[name];
    if (value === undefined) {
      missing.add(name);
      return token;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new Error(`${source}: no substitution for ${[...missing].map((n) => `\${${n}}`).join(', ')}`);
  }
  try {
    JSON.parse(replaced);
  } catch (error) {
    throw new Error(`${source}: not valid JSON after substitution: ${(error as Error).message}`);
  }
  return replaced;
}

// ---------------------------------------------------------------------------------------------------

/** Largest delay Node's setTimeout honours; longer delays fire after 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMER_SECONDS = Math.floor(0x7fffffff / 1000);

export type JsonObject = { [key: string]: unknown };

export interface TaskStateInfo {
  name: string;
  definition: JsonObject;
}

export interface PreparedDefinition {
  /** The definition handed to the interpreter (timeouts patched, see `prepareDefinition`). */
  definition: JsonObject;
  /** Every Task state, including those inside Parallel branches and Map processors, by name. */
  tasks: Map<string, TaskStateInfo>;
  /** Names of all states (at any depth) that have a `Retry` field. */
  retryingStates: string[];
}

function invalid(message: string): never {
  throw new StepFunctionsError('InvalidDefinition', message);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks what the interpreter would silently get wrong and adapts the definition to it:
 * - JSONata (`QueryLanguage: "JSONata"`, `Arguments`, `Output`) is rejected: the interpreter ignores it.
 * - Unresolved `${...}` placeholders are rejected.
 * - Task states are keyed by NAME in the interpreter's overrides, across all nesting levels: two
 *   different Task states with the same name are rejected.
 * - A Task without `TimeoutSeconds`/`TimeoutSecondsPath` gets the largest timer Node supports
 *   (~24.8 days) instead of the interpreter's default of 60 s (AWS: 99999999 s); timeouts above
 *   that are clamped, since a longer setTimeout fires immediately.
 */
export function prepareDefinition(raw: unknown): PreparedDefinition {
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      invalid(`definition is not JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(parsed)) invalid('definition must be a JSON object');
  const definition = structuredClone(parsed);
  const unresolved = JSON.stringify(definition).match(PLACEHOLDER);
  if (unresolved) invalid(`unresolved placeholders: ${[...new Set(unresolved)].join(', ')}`);

  const tasks = new Map<string, TaskStateInfo>();
  const retryingStates: string[] = [];
  const walk = (machine: JsonObject, where: string) => {
    if (machine.QueryLanguage === 'JSONata') {
      invalid(`${where}: QueryLanguage JSONata is not supported locally (use JSONPath)`);
    }
    if (typeof machine.TimeoutSeconds === 'number' && machine.TimeoutSeconds > MAX_TIMER_SECONDS) {
      machine.TimeoutSeconds = MAX_TIMER_SECONDS;
    }
    const states = machine.States;
    if (!isObject(states)) invalid(`${where}: States must be an object`);
    for (const [name, state] of Object.entries(states)) {
      if (!isObject(state)) invalid(`${where}: state ${name} must be an object`);
      if (state.QueryLanguage === 'JSONata' || 'Arguments' in state || 'Output' in state) {
        invalid(`state ${name}: JSONata (QueryLanguage, Arguments, Output) is not supported locally`);
      }
      if (Array.isArray(state.Retry)) retryingStates.push(name);
      if (state.Type === 'Task') {
        if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
          state.TimeoutSeconds = MAX_TIMER_SECONDS;
        } else if (typeof state.TimeoutSeconds === 'number' && state.TimeoutSeconds > MAX_TIMER_SECONDS) {
          state.TimeoutSeconds = MAX_TIMER_SECONDS;
        }
        if (typeof state.HeartbeatSeconds === 'number' && state.HeartbeatSeconds > MAX_TIMER_SECONDS) {
          state.HeartbeatSeconds = MAX_TIMER_SECONDS;
        }
        const previous = tasks.get(name);
        if (previous && JSON.stringify(previous.definition) !== JSON.stringify(state)) {
          invalid(
            `two different Task states are named ${name}; local task overrides are keyed by state name`,
          );
        }
        tasks.set(name, { name, definition: state });
      }
      if (state.Type === 'Wait' && typeof state.Seconds === 'number' && state.Seconds > MAX_TIMER_SECONDS) {
        state.Seconds = MAX_TIMER_SECONDS;
      }
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        state.Branches.forEach((branch, i) => {
          if (isObject(branch)) walk(branch, `${name}.Branches[${i}]`);
        });
      }
      if (state.Type === 'Map') {
        const processor = state.ItemProcessor ?? state.Iterator;
        if (isObject(processor)) walk(processor, `${name}.ItemProcessor`);
        if ('ItemReader' in state || 'ResultWriter' in state) {
          invalid(`state ${name}: distributed Map (ItemReader/ResultWriter) is not supported locally`);
        }
      }
    }
  };
  walk(definition, 'definition');
  return { definition, tasks, retryingStates };
}

/**
 * Resolves the simple JSONPath forms (`$`, `$.a.b`, `$.a[0]`, `$['a']`) used by `TimeoutSecondsPath`
 * and `HeartbeatSecondsPath`; undefined for anything else.
 */
export function resolveSimplePath(path: unknown, input: unknown): unknown {
  if (typeof path !== 'string' || !path.startsWith('$') || path.startsWith('$$')) return undefined;
  const parts = path.slice(1).match(/\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\['[^']*'\]/g) ?? [];
  if (parts.join('') !== path.slice(1)) return undefined;
  let value: unknown = input;
  for (const part of parts) {
    if (value === null || typeof value !== 'object') return undefined;
    const key = part.startsWith('.')
      ? part.slice(1)
      : part.startsWith("['")
        ? part.slice(2, -2)
        : Number(part.slice(1, -1));
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}
