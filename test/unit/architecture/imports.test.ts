import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The layers of functions/ (docs/architecture.md) as tests: no import cycle, and dependencies point
 * inwards — rules and use cases never reach an adapter or an SDK, specs stay pure data.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
    .sort();
}

/** Every import of a source file, type-only ones included, resolved to a repository path or kept as a package name. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] as string);
  return specifiers.map((s) => (s.startsWith('.') ? path.normalize(path.join(path.dirname(file), s)) : s));
}

const layer = (file: string) => file.split('/')[1];

describe('functions/ dependency direction', () => {
  const files = sources('functions');

  it('finds the layers it checks', () => {
    for (const dir of [
      'domain',
      'usecases',
      'ports',
      'adapters',
      'factories',
      'http',
      'tasks',
      'entries',
      'lib',
    ]) {
      expect(
        files.some((f) => layer(f) === dir),
        dir,
      ).toBe(true);
    }
  });

  const rules: { from: string[]; forbidden: (target: string) => boolean; why: string }[] = [
    {
      from: ['domain'],
      // csv-parse/sync: a pure parser, used by domain/reconciliation.ts (main's insurer reconciliation);
      // allowed by name so that any other package in the domain still fails.
      forbidden: (t) =>
        !t.startsWith('functions/domain/') && !t.startsWith('node:') && t !== 'zod' && t !== 'csv-parse/sync',
      why: 'domain rules import only domain modules (and zod, csv-parse/sync, node built-ins)',
    },
    {
      from: ['domain', 'usecases', 'ports'],
      forbidden: (t) =>
        /^functions\/(adapters|factories|entries|http|tasks)\//.test(t) ||
        /^@(aws-sdk|smithy|middy)\//.test(t),
      why: 'rules, ports and use cases never import an adapter, a factory, an entry, a spec or an SDK',
    },
    {
      from: ['http', 'tasks'],
      forbidden: (t) =>
        /^functions\/(adapters|factories|entries|usecases)\//.test(t) ||
        /^@(aws-sdk|smithy|middy)\//.test(t) ||
        t === 'functions/lib/http.ts' ||
        t === 'functions/lib/logger.ts',
      why: 'specs are pure data: no adapter, factory, entry, use case, SDK or handler machinery',
    },
    {
      from: ['adapters', 'factories', 'lib'],
      forbidden: (t) => /^functions\/(entries|http|tasks)\//.test(t),
      why: 'adapters, factories and the shared library never import an entry or a spec',
    },
  ];

  for (const rule of rules) {
    it(rule.why, () => {
      const violations = files
        .filter((f) => rule.from.includes(layer(f) as string))
        .flatMap((f) =>
          importsOf(f)
            .filter(rule.forbidden)
            .map((t) => `${f} -> ${t}`),
        );
      expect(violations).toEqual([]);
    });
  }

  it('only entries import entries (nothing else reaches a Lambda entry)', () => {
    const outside = [...sources('functions'), ...sources('infra'), ...sources('bench'), ...sources('cli')]
      .filter((f) => !f.startsWith('functions/entries/'))
      .flatMap((f) =>
        importsOf(f)
          .filter((t) => t.startsWith('functions/entries/'))
          .map((t) => `${f} -> ${t}`),
      );
    expect(outside).toEqual([]);
  });

  it('infra imports no handler code: only specs, the access vocabulary and the local runner’s entry loader', () => {
    const violations = sources('infra')
      .filter((f) => !f.startsWith('infra/local/'))
      .flatMap((f) =>
        importsOf(f)
          .filter((t) => /^functions\/(adapters|factories|entries|usecases)\//.test(t))
          .map((t) => `${f} -> ${t}`),
      );
    expect(violations).toEqual([]);
  });
});

describe('functions/ import graph', () => {
  it('has no cycle (runtime imports, as esbuild resolves them)', async () => {
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: sources('functions'),
      bundle: true,
      packages: 'external',
      write: false,
      outdir: path.join(ROOT, '.no-output'),
      format: 'esm',
      platform: 'node',
      metafile: true,
      logLevel: 'silent',
    });
    const graph = new Map<string, string[]>();
    for (const [file, input] of Object.entries(result.metafile.inputs)) {
      if (!file.startsWith('functions/')) continue;
      graph.set(
        file,
        input.imports.filter((i) => !i.external && i.path.startsWith('functions/')).map((i) => i.path),
      );
    }
    expect(graph.size).toBeGreaterThan(100);
    // Tarjan's strongly connected components: any component of two or more modules is a cycle.
    let next = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string) => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    expect(cycles).toEqual([]);
    // esbuild bundles every entry here: seconds on an idle machine, more at load 20 (vitest's 5 s default timed out).
  }, 60_000);
});
