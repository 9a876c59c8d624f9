import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../../infra/constructs/relief-function.ts';
import { median, round, spread } from '../lib/stats.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The targets: every bundle under 500 KB, their median under 450 KB, the two public routes
 * (health, OpenAPI) under 150 KB; every bundle imported in a fresh process in under 150 ms (median of runs).
 */
export const TARGETS = {
  bundleKb: 500,
  medianKb: 450,
  smallKb: 150,
  small: ['http/health.ts', 'http/openapi.ts'],
  importMs: 150,
};

export interface BundleResult {
  /** The entry, relative to functions/entries/ (`http/get-application.ts`: one per operation or task). */
  module: string;
  bytes: number;
  kb: number;
  /** Import time in a fresh node process, per run (ms). */
  importMs: number[];
  importMedianMs: number;
  importSpread: ReturnType<typeof spread>;
  /** Whole process (spawn → exit), per run (ms): node start-up plus the import. */
  processMedianMs: number;
  /**
   * CPU time of the import (user + system of the whole process, ms), median of runs: on a shared,
   * loaded machine it moves far less than the wall time, so it is the number to compare two builds by.
   */
  importCpuMedianMs: number;
  largestInputs: { input: string; kb: number }[];
  sizePass: boolean;
  importPass: boolean;
}

export function lambdaEntries(): { module: string; file: string }[] {
  const out: { module: string; file: string }[] = [];
  for (const group of ['http', 'tasks', 'events']) {
    const dir = path.join(ROOT, 'functions/entries', group);
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.ts') || f.endsWith('.d.ts') || f.endsWith('.test.ts')) continue;
      out.push({ module: `${group}/${f}`, file: path.join(dir, f) });
    }
  }
  return out;
}

/** Groups a metafile's inputs by package (or project folder) and returns the largest contributors. */
function largestInputs(meta: Metafile, outfile: string, top = 3) {
  const output = Object.entries(meta.outputs).find(([name]) => path.resolve(name) === path.resolve(outfile));
  if (!output) return [];
  const sizes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = m ? (m[1] as string) : input.split('/').slice(0, 2).join('/');
    sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
  }
  return [...sizes.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([input, bytes]) => ({ input, kb: round(bytes / 1024, 1) }));
}

async function importOnce(file: string): Promise<{ importMs: number; cpuMs: number; processMs: number }> {
  const url = pathToFileURL(file).href;
  const code = `const c=process.cpuUsage(),t=performance.now(); await import(${JSON.stringify(url)}); const w=performance.now()-t,u=process.cpuUsage(c); console.log(w, (u.user+u.system)/1000)`;
  const t0 = performance.now();
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], {
    cwd: path.dirname(file),
    // A clean environment: handler modules must import without any configuration (it is read at first use).
    env: { PATH: process.env.PATH ?? '', POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_REGION: 'us-east-1' },
    timeout: 60_000,
  });
  const processMs = performance.now() - t0;
  const [importMs, cpuMs] = (stdout.trim().split('\n').pop() ?? '').split(' ').map(Number) as [
    number,
    number,
  ];
  if (!Number.isFinite(importMs) || !Number.isFinite(cpuMs)) {
    throw new Error(`no import time from ${file}: ${stdout}`);
  }
  return { importMs, cpuMs, processMs };
}

export interface BuiltBundle {
  module: string;
  outfile: string;
  bytes: number;
  largestInputs: { input: string; kb: number }[];
}

/**
 * Bundles every Lambda entry in one esbuild call (each output self-contained, as one NodejsFunction
 * per entry would be; parsing is shared, which only makes the build faster).
 */
export async function buildBundles(outDir: string): Promise<BuiltBundle[]> {
  mkdirSync(outDir, { recursive: true });
  const entries = lambdaEntries();
  const name = (module: string) => module.replace(/\.ts$/, '').replace(/[/.]/g, '-');
  const built = await build({
    // Exactly the options CDK bundles every function with (infra/constructs/relief-function.ts).
    ...esbuildOptions(ROOT),
    entryPoints: Object.fromEntries(entries.map((e) => [name(e.module), e.file])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'error',
  });
  return entries.map((entry) => {
    const outfile = path.join(outDir, `${name(entry.module)}.mjs`);
    return {
      module: entry.module,
      outfile,
      bytes: statSync(outfile).size,
      largestInputs: largestInputs(built.metafile, outfile),
    };
  });
}

/** Imports each bundle `runs` times, each in a fresh node process, one at a time. */
export async function measureImports(
  bundles: BuiltBundle[],
  opts: { runs: number; log: (line: string) => void },
): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const b of bundles) {
    const imports: number[] = [];
    const processes: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const { importMs, cpuMs, processMs } = await importOnce(b.outfile);
      imports.push(importMs);
      cpu.push(cpuMs);
      processes.push(processMs);
    }
    const kb = round(b.bytes / 1024, 1);
    const importMedianMs = round(median(imports), 1);
    results.push({
      module: b.module,
      bytes: b.bytes,
      kb,
      importMs: imports.map((v) => round(v, 1)),
      importMedianMs,
      importSpread: spread(imports),
      processMedianMs: round(median(processes), 1),
      importCpuMedianMs: round(median(cpu), 1),
      largestInputs: b.largestInputs,
      sizePass: kb < (TARGETS.small.includes(b.module) ? TARGETS.smallKb : TARGETS.bundleKb),
      importPass: importMedianMs < TARGETS.importMs,
    });
    opts.log(
      `  ${b.module.padEnd(28)} ${String(kb).padStart(7)} KB  import ${importMedianMs} ms (${round(Math.min(...imports), 1)}–${round(Math.max(...imports), 1)}), CPU ${round(median(cpu), 1)} ms`,
    );
  }
  return results;
}
