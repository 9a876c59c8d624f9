#!/usr/bin/env -S npx tsx
/**
 * The `relief` operator CLI, as TypeScript (run with tsx: `npx tsx bin/relief.ts …`). The installed
 * command is bin/relief.mjs, which loads tsx and then this file.
 */
import { main } from '../cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
