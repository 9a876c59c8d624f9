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
import { type CampaignRun, renderCampaign, spliceCampaign } from './campaign-report.ts';

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
 * `--dynamo=memory` runs DynamoDB Local with `-inMemory`; default its SQLite file on tmpfs, as the other
 * modes (one loaded-machine comparison showed no gain: see bench/README.md).
 */
const dynamoInMemory = args.includes('--dynamo=memory');
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
writeFileSync(path.join(outDir, 'campaign.json'), `${JSON.stringify(run, null, 2)}\n`);
const resultsMd = path.join(outDir, 'RESULTS.md');
const current = existsSync(resultsMd) ? readFileSync(resultsMd, 'utf8') : '# relief — benchmark results\n';
writeFileSync(resultsMd, spliceCampaign(current, renderCampaign(run)));
const biome = path.join(BENCH_DIR, '..', 'node_modules', '.bin', 'biome');
spawnSync(biome, ['format', '--write', resultsMd], { cwd: path.join(BENCH_DIR, '..'), timeout: 30_000 });
log(`wrote ${path.join(outDir, 'campaign.json')} and the campaign section of RESULTS.md`);
process.exit(exitCode);
