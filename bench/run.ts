/**
 * `npm run bench` (full) / `npm run bench -- --quick`: benchmarks of relief against the local stack,
 * started in process in a temporary directory on free ports. Writes bench/results.json and
 * bench/RESULTS.md (or into --out-dir=DIR). Sections: cold-start proxy (bundles), warm latency,
 * quota contention, batch decisions, cost per case, cost growth, campaign simulation, the console's
 * first load. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Results } from './report.ts';

// Before any handler module loads: the logger reads it at import.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
// The business metrics are EMF lines nobody collects here (the stack defaults the same, but the handler
// modules may load first): one JSON line per event on stdout costs the run CPU.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= '1';
// aws-cdk-lib (which the cold-start section loads for CDK's esbuild options) wraps every function of
// `fs` and `child_process` in a timing wrapper when it loads, for the rest of the process (two
// performance.now() and a counter update per call): s3rver's file store would pay it on every request.
process.env.CDK_NO_PERF_BUILTINS ??= '1';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
const outArg = args.find((a) => a.startsWith('--out-dir='));
/** With --only: keep the other sections of the existing results.json and replace the ones run now. */
const merge = args.includes('--merge');
/** Development only: a fixed launch budget for the simulation, in seconds (the drain then gets 120 s). */
const simBudgetArg = args.find((a) => a.startsWith('--sim-budget='));
const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const outDir = outArg ? path.resolve(outArg.slice('--out-dir='.length)) : BENCH_DIR;
const wants = (section: string) => !only || only.has(section);

if (args.includes('--campaign')) {
  // Its own mode, outside the quick/full budgets: runs, writes and exits (bench/campaign-run.ts).
  await import('./campaign-run.ts');
}

/** Keeps the campaign section (bench/campaign.json, from `--campaign`) at the end of RESULTS.md. */
async function withCampaign(markdown: string): Promise<string> {
  const file = path.join(outDir, 'campaign.json');
  if (!existsSync(file)) return markdown;
  const { renderCampaign, spliceCampaign } = await import('./campaign-report.ts');
  return spliceCampaign(markdown, renderCampaign(JSON.parse(readFileSync(file, 'utf8'))));
}

/** Lays RESULTS.md out as the repository's formatter does (aligned tables), so `biome check .` stays clean. */
function formatMarkdown(file: string): void {
  const root = path.resolve(BENCH_DIR, '..');
  const biome = path.join(root, 'node_modules', '.bin', 'biome');
  const r = spawnSync(biome, ['format', '--write', file], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0)
    console.warn(`could not format ${file} with biome: ${(r.stderr || r.stdout || '').slice(0, 200)}`);
}

if (args.includes('--render')) {
  // Re-renders RESULTS.md from results.json (after a change of wording in report.ts), running nothing.
  const { renderMarkdown } = await import('./report.ts');
  const saved = JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8')) as Results;
  writeFileSync(path.join(outDir, 'RESULTS.md'), await withCampaign(renderMarkdown(saved)));
  formatMarkdown(path.join(outDir, 'RESULTS.md'));
  console.log(`rendered ${path.join(outDir, 'RESULTS.md')}`);
  process.exit(0);
}

/** Sizes per mode. Full must finish within 10 minutes on a 2-core machine, quick within 1 minute. */
const SETTINGS = quick
  ? {
      budgetSeconds: 55,
      coldStartRuns: 1,
      latency: { runs: 2, n: 3, warmup: 1 },
      contention: { runs: 2, n: 6, k: 3 },
      decisionBatch: { runs: 2, items: 10, singles: 3 },
      perCase: { cases: 2 },
      growth: { small: 1_000, large: 10_000, runs: 2, samples: 8 },
      simulation: { target: 200, concurrency: 16 },
    }
  : {
      budgetSeconds: 570,
      coldStartRuns: 5,
      latency: { runs: 5, n: 20, warmup: 3 },
      contention: { runs: 5, n: 40, k: 20 },
      decisionBatch: { runs: 5, items: 200, singles: 10 },
      perCase: { cases: 10 },
      growth: { small: 1_000, large: 100_000, runs: 5, samples: 30 },
      simulation: { target: 10_000, concurrency: 16 },
    };

const t0 = performance.now();
const elapsed = () => (performance.now() - t0) / 1000;
const log = (line: string) => console.log(`[${elapsed().toFixed(1).padStart(6)} s] ${line}`);

function sh(cmd: string, argv: string[]): string {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 20_000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
}

const startedAt = new Date();
const results: Results = {
  mode: quick ? 'quick' : 'full',
  startedAt: startedAt.toISOString(),
  finishedAt: '',
  totalSeconds: 0,
  sectionSeconds: {},
  machine: {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    java: /version "([^"]+)"/.exec(sh('java', ['-version']))?.[1] ?? 'unknown',
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg(),
    commit: sh('git', ['-C', BENCH_DIR, 'rev-parse', '--short', 'HEAD']) || 'unknown',
    workingTreeClean:
      sh('git', ['-C', BENCH_DIR, '--no-optional-locks', 'status', '--porcelain', '--untracked-files=no']) ===
      '',
  },
  stackStartSeconds: 0,
  scratchDir: '',
  reportEndpoint: '',
  errors: [],
};

async function section<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (!wants(name) && !(name === 'bundle' && wants('coldStart'))) return undefined;
  const start = performance.now();
  log(`${name}…`);
  try {
    return await fn();
  } catch (error) {
    const message = (error as Error).stack ?? String(error);
    log(`${name} FAILED: ${message}`);
    results.errors.push({ section: name, message: (error as Error).message ?? String(error) });
    return undefined;
  } finally {
    results.sectionSeconds[name] = (performance.now() - start) / 1000;
    log(`${name} done in ${results.sectionSeconds[name]?.toFixed(1)} s`);
  }
}

/**
 * The stack's data directory lives on tmpfs when there is one: DynamoDB Local commits every write to its
 * SQLite file, and on this kind of VM disk that fsync, not the system, dominates every figure (8–10×).
 */
function scratchRoot(): string {
  try {
    if (process.platform === 'linux' && statSync('/dev/shm').isDirectory()) {
      accessSync('/dev/shm', constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // no tmpfs: the ordinary temp dir
  }
  return os.tmpdir();
}
const work = mkdtempSync(path.join(scratchRoot(), 'relief-bench-'));
results.scratchDir = work;
let exitCode = 0;
let stack: import('../infra/local/stack.ts').LocalStack | undefined;
let bundling: Promise<import('./sections/coldstart.ts').BuiltBundle[] | undefined> =
  Promise.resolve(undefined);
try {
  log(
    `relief benchmarks (${results.mode}) on ${results.machine.cores} × ${results.machine.cpuModel}, Node ${process.version}`,
  );
  // The bundles are built while the stack starts (only their sizes are figures); their imports are
  // timed at the end, when nothing else runs.
  // Imported here, not at the top: it loads aws-cdk-lib, which the campaign mode never needs.
  const { buildBundles } = await import('./sections/coldstart.ts');
  bundling = wants('coldStart')
    ? section('bundle', () => buildBundles(path.join(work, 'bundles')))
    : Promise.resolve(undefined);
  // The console's first load needs only its build (seconds when web/ changed, else nothing).
  if (wants('console')) {
    const { measureConsole } = await import('./sections/console.ts');
    results.console = await section('console', () => measureConsole(log));
  }
  const needsStack = ['latency', 'contention', 'decisionBatch', 'perCase', 'growth', 'simulation'].some(
    wants,
  );
  if (needsStack) {
    const tStack = performance.now();
    const { startLocalStack } = await import('../infra/local/stack.ts');
    const { DynamoCounter } = await import('./lib/counters.ts');
    // Made before the stack, which runs every invocation inside it (requests attributed per invocation).
    const counter = new DynamoCounter();
    stack = await startLocalStack({
      dataDir: path.join(work, 'stack'),
      fresh: true,
      port: 0,
      insurer: { payDelayMs: 50 },
      aroundInvocation: (name, run) => counter.around(name, run),
    });
    results.stackStartSeconds = (performance.now() - tStack) / 1000;
    log(`local stack up at ${stack.url} in ${results.stackStartSeconds.toFixed(1)} s (bundling alongside)`);
    await bundling;

    const { benchDeps: deps } = await import('./lib/composition.ts');
    const { loadRouteEntries } = await import('../infra/local/entries.ts');
    const apiRoutes = await loadRouteEntries();
    const { Api } = await import('./lib/api.ts');
    const { InProcess } = await import('./lib/inprocess.ts');
    counter.install(deps().doc);
    const api = new Api(stack.url);
    const inproc = new InProcess(apiRoutes);
    const probe = await api.request('GET', '/campaigns/demo/reports', { token: await api.spc() });
    const hasReports = probe.status === 200 && inproc.has('GET', '/campaigns/{campaignId}/reports');
    const reportRoute = hasReports ? '/campaigns/{campaignId}/reports' : '/campaigns/{campaignId}/quotas';
    results.reportEndpoint = `GET ${reportRoute.replace('{campaignId}', 'demo')}`;
    log(
      `report endpoint measured: ${results.reportEndpoint} (GET /campaigns/demo/reports answered ${probe.status})`,
    );
    const ctx = {
      stack,
      api,
      inproc,
      routes: apiRoutes,
      counter,
      deps,
      log,
      quick,
      reportRoute,
      reportPath: (id: string) => reportRoute.replace('{campaignId}', id),
    };

    // Time boxes: what is left of the budget (less the import timing at the end, draining the last
    // payouts and stopping the stack) is shared among the sections; time one leaves over goes to the next.
    const importReserve = wants('coldStart') ? 13 * SETTINGS.coldStartRuns * 0.7 : 0;
    const budgetEnd = t0 + (SETTINGS.budgetSeconds - importReserve - (quick ? 6 : 30)) * 1000;
    const shares: [string, number][] = [
      ['latency', 0.25],
      ['contention', quick ? 0.1 : 0.15],
      ['decisionBatch', 0.1],
      ['perCase', 0.05],
      ['growth', quick ? 0.3 : 0.25],
      ['simulation', 0.2],
    ];
    const deadlineFor = (name: string) => {
      const i = shares.findIndex(([n]) => n === name);
      const rest = shares.slice(i).filter(([n]) => wants(n));
      const total = rest.reduce((s, [, v]) => s + v, 0);
      const share = (shares[i]?.[1] ?? 0) / (total || 1);
      const deadline = performance.now() + Math.max(0, budgetEnd - performance.now()) * share;
      log(`${name}: time box ${((deadline - performance.now()) / 1000).toFixed(0)} s`);
      return deadline;
    };

    const { latency } = await import('./sections/latency.ts');
    results.latency = await section('latency', () =>
      latency(ctx, { ...SETTINGS.latency, deadline: deadlineFor('latency') }),
    );
    const { contention } = await import('./sections/contention.ts');
    results.contention = await section('contention', () =>
      contention(ctx, { ...SETTINGS.contention, deadline: deadlineFor('contention') }),
    );
    const { decisionBatch } = await import('./sections/batch.ts');
    results.decisionBatch = await section('decisionBatch', () =>
      decisionBatch(ctx, { ...SETTINGS.decisionBatch, deadline: deadlineFor('decisionBatch') }),
    );
    const { perCase, growth } = await import('./sections/cost.ts');
    results.perCase = await section('perCase', () =>
      perCase(ctx, { ...SETTINGS.perCase, deadline: deadlineFor('perCase') }),
    );
    results.growth = await section('growth', async () => {
      const deadline = deadlineFor('growth');
      // A real application of this run as the template for the seeded items.
      const page = await api.expect(200, 'GET', '/applications?campaignId=demo&limit=1', {
        token: await api.spc(),
      });
      const templateId = page.body.items[0]?.id;
      if (!templateId) throw new Error('no application to copy');
      return growth(ctx, { ...SETTINGS.growth, templateId, deadline });
    });
    const { simulation } = await import('./sections/simulation.ts');
    results.simulation = await section('simulation', () => {
      // Stop launching cases early enough to drain the payouts and check the invariants within the box.
      const deadline = deadlineFor('simulation');
      const budgetMs = simBudgetArg
        ? Number(simBudgetArg.slice('--sim-budget='.length)) * 1000
        : Math.max(quick ? 3_000 : 10_000, deadline - performance.now() - (quick ? 5_000 : 25_000));
      const drainDeadline = simBudgetArg
        ? performance.now() + budgetMs + 120_000
        : Math.max(deadline, performance.now() + budgetMs + (quick ? 6_000 : 30_000));
      return simulation(ctx, { ...SETTINGS.simulation, budgetMs, drainDeadline });
    });
  }
} catch (error) {
  exitCode = 1;
  log(`benchmark aborted: ${(error as Error).stack ?? error}`);
  results.errors.push({ section: 'run', message: (error as Error).message });
} finally {
  if (stack) {
    const tClose = performance.now();
    await stack.close().catch((e: Error) => log(`stack close failed: ${e.message}`));
    results.sectionSeconds.stackClose = (performance.now() - tClose) / 1000;
  }
}
try {
  const bundles = await bundling;
  if (bundles) {
    const { measureImports } = await import('./sections/coldstart.ts');
    results.coldStart = await section('coldStart', () =>
      measureImports(bundles, { runs: SETTINGS.coldStartRuns, log }),
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

results.finishedAt = new Date().toISOString();
results.machine.loadAverageAtEnd = os.loadavg();
results.totalSeconds = elapsed();
const { renderMarkdown } = await import('./report.ts');
mkdirSync(outDir, { recursive: true });
let written: Results = results;
if (merge && only) {
  // Only the sections run now replace the earlier file's; each is marked as re-measured.
  const earlier = JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8')) as Results;
  const fresh = results as unknown as Record<string, unknown>;
  written = { ...earlier, remeasured: { ...earlier.remeasured } };
  for (const name of only) {
    if (fresh[name] === undefined) continue;
    (written as unknown as Record<string, unknown>)[name] = fresh[name];
    (written.remeasured as NonNullable<Results['remeasured']>)[name] = {
      commit: results.machine.commit,
      startedAt: results.startedAt,
      loadAverageAtStart: results.machine.loadAverageAtStart,
    };
  }
  written.errors = [...earlier.errors.filter((e) => !only.has(e.section)), ...results.errors];
}
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(written, null, 2)}\n`);
writeFileSync(path.join(outDir, 'RESULTS.md'), await withCampaign(renderMarkdown(written)));
formatMarkdown(path.join(outDir, 'RESULTS.md'));
log(`wrote ${path.join(outDir, 'results.json')} and RESULTS.md (${results.errors.length} section errors)`);
process.exit(exitCode);
