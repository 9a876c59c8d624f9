/**
 * `npm run bench -- --campaign [--cases=N] [--concurrency=C] [--out-dir=DIR]`: the national campaign,
 * all N applications (default 10,000) measured end to end, outside the quick/full budgets. Starts the
 * local stack on tmpfs as the other modes do, runs bench/sections/campaign.ts, writes
 * bench/campaign.json and the "Campaign" section of bench/RESULTS.md. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CampaignRun, renderCampaign, spliceCampaign, summarise } from './campaign-report.ts';

/**
 * V8's young generation (16 MB semi-spaces by default) fills every few milliseconds at campaign load, and
 * each scavenge copies what the in-flight requests still hold: larger semi-spaces mean fewer scavenges
 * and less copying (GC was 6 % of this process's CPU in the 160-case profile). It is fixed when the
 * isolate starts, so the campaign re-runs itself once with the flag (RELIEF_CAMPAIGN_NODE_FLAGS=''
 * keeps the defaults).
 */
const NODE_FLAGS = (process.env.RELIEF_CAMPAIGN_NODE_FLAGS ?? '--max-semi-space-size=64')
  .split(/\s+/)
  .filter(Boolean);
if (NODE_FLAGS.length && !NODE_FLAGS.every((f) => process.execArgv.includes(f)) && process.argv[1]) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...NODE_FLAGS, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
// The business metrics are EMF lines nobody collects here (the stack defaults the same, but the handler
// modules may load first): one JSON line per event on stdout costs the run CPU.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= '1';

const args = process.argv.slice(2);
const num = (name: string, fallback: number) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  const v = a ? Number(a.slice(name.length + 3)) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
};
const target = num('cases', 10_000);
const concurrency = num('concurrency', 32);
/**
 * DynamoDB Local keeps the table in memory (`-inMemory`) unless `--dynamo=file` (its SQLite file on tmpfs,
 * as the other modes). Side by side on this machine (bench/README.md), the same requests cost its JVM
 * 10–25 % less CPU in memory; the campaign's table is thrown away at the end anyway.
 */
const dynamoInMemory = !args.includes('--dynamo=file');
const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const outArg = args.find((a) => a.startsWith('--out-dir='));
const outDir = outArg ? path.resolve(outArg.slice('--out-dir='.length)) : BENCH_DIR;

const t0 = performance.now();
const log = (line: string) =>
  console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`);
const sh = (cmd: string, argv: string[]) => {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 20_000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
};

const root = existsSync('/dev/shm') && statSync('/dev/shm').isDirectory() ? '/dev/shm' : os.tmpdir();
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(path.join(root, 'relief-campaign-'));
const run: CampaignRun = {
  startedAt: new Date().toISOString(),
  commit: sh('git', ['-C', BENCH_DIR, 'rev-parse', '--short', 'HEAD']) || 'unknown',
  machine: {
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverageAtStart: os.loadavg(),
  },
  scratchDir: work,
  dynamo: dynamoInMemory ? 'in memory (-inMemory)' : 'SQLite file on tmpfs',
  stackStartSeconds: 0,
  totalSeconds: 0,
};
let stack: import('../infra/local/stack.ts').LocalStack | undefined;
let exitCode = 0;
try {
  log(`campaign: ${target} applications, ${concurrency} in flight, on ${run.machine.cores} cores`);
  const { startLocalStack } = await import('../infra/local/stack.ts');
  stack = await startLocalStack({
    dataDir: path.join(work, 'stack'),
    fresh: true,
    port: 0,
    insurer: { payDelayMs: 50 },
    dynamoInMemory,
  });
  run.stackStartSeconds = (performance.now() - t0) / 1000;
  log(`local stack up at ${stack.url} in ${run.stackStartSeconds.toFixed(1)} s`);
  const { benchDeps: deps } = await import('./lib/composition.ts');
  const { loadRouteEntries } = await import('../infra/local/entries.ts');
  const { Api } = await import('./lib/api.ts');
  const { InProcessApi } = await import('./lib/inprocess-api.ts');
  const { InProcess } = await import('./lib/inprocess.ts');
  const { DynamoCounter } = await import('./lib/counters.ts');
  const { campaign } = await import('./sections/campaign.ts');
  const routes = await loadRouteEntries();
  const counter = new DynamoCounter();
  counter.install(deps().doc);
  const api = new InProcessApi(stack.url, routes);
  const ctx = {
    stack,
    api: new Api(stack.url),
    inproc: new InProcess(routes),
    routes,
    counter,
    deps,
    log,
    quick: false,
    reportRoute: '/campaigns/{campaignId}/reports',
    reportPath: (id: string) => `/campaigns/${id}/reports`,
  };
  run.result = await campaign(ctx, api, { target, concurrency, rawSeconds: 5 });
  const r = run.result;
  log(
    `campaign: ${r.completed}/${r.target} closed in ${r.wallSeconds} s = ${r.casesPerSec} cases/s; ` +
      `DynamoDB ${r.dynamo.requestsPerSec} req/s (${r.dynamo.requestsPerCase}/case) vs raw ${r.raw.perSec}/s → utilisation ${r.utilisation}`,
  );
  log(`campaign invariants: ${r.invariants.holds ? 'held' : 'VIOLATED'} ${JSON.stringify(r.invariants)}`);
  if (r.failures.length) log(`first failures:\n  ${r.failures.join('\n  ')}`);
  if (!r.invariants.holds || r.failed > 0) exitCode = 1;
} catch (error) {
  exitCode = 2;
  log(`campaign aborted: ${(error as Error).stack ?? error}`);
  run.error = (error as Error).message;
} finally {
  await stack?.close().catch((e: Error) => log(`stack close failed: ${e.message}`));
  rmSync(work, { recursive: true, force: true });
}
run.totalSeconds = (performance.now() - t0) / 1000;
run.machine.loadAverageAtEnd = os.loadavg();
const runFile = path.join(outDir, 'campaign.json');
// The run this one replaces stays beside it (its headline figures), so RESULTS.md shows before and after.
if (existsSync(runFile)) {
  try {
    const before = summarise(JSON.parse(readFileSync(runFile, 'utf8')) as CampaignRun);
    if (before) run.previous = before;
  } catch {
    // an unreadable earlier file is simply not shown
  }
}
writeFileSync(runFile, `${JSON.stringify(run, null, 2)}\n`);
const resultsMd = path.join(outDir, 'RESULTS.md');
const current = existsSync(resultsMd) ? readFileSync(resultsMd, 'utf8') : '# relief — benchmark results\n';
writeFileSync(resultsMd, spliceCampaign(current, renderCampaign(run)));
const biome = path.join(BENCH_DIR, '..', 'node_modules', '.bin', 'biome');
spawnSync(biome, ['format', '--write', resultsMd, runFile], {
  cwd: path.join(BENCH_DIR, '..'),
  timeout: 30_000,
});
log(`wrote ${path.join(outDir, 'campaign.json')} and the campaign section of RESULTS.md`);
process.exit(exitCode);
