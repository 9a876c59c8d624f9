import path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `npm start`: the whole system on 127.0.0.1:3000 (PORT overrides). Data persists under .local/
 * across restarts; `npm start -- --fresh` starts from an empty store.
 */
const { values } = parseArgs({
  options: { fresh: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false } },
});

// Handlers log through Powertools; keep the runner's terminal to warnings unless --verbose.
if (!values.verbose) process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
const { startLocalStack } = await import('./stack.ts');

const started = Date.now();
const stack = await startLocalStack({
  dataDir: path.resolve(process.env.RELIEF_DATA_DIR ?? '.local'),
  fresh: values.fresh,
  port: Number(process.env.PORT ?? 3000),
  console: true,
  log: (line) => {
    // A console build takes a few seconds: say why the start is slower, even without --verbose.
    if (values.verbose) console.error(`[local] ${line}`);
    else if (line.startsWith('building the console')) console.log(`relief: ${line}`);
  },
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`relief: ${signal} received, shutting down`);
  await stack.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

if (stack.insurer) {
  console.log(
    `relief: insurer simulator at ${stack.insurer.url} (webhook secret "${stack.webhookSecret}"; accounts ending 0000 are declined)`,
  );
}
console.log(
  `relief ready on ${stack.url} in ${((Date.now() - started) / 1000).toFixed(1)}s (console: ${stack.consoleUrl}; data: ${process.env.RELIEF_DATA_DIR ?? '.local'}; mint tokens with POST ${stack.url}/dev/tokens; API reference at ${stack.url}/docs)`,
);
