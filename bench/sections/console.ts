/**
 * The console's first load (issue 17, Performance): the entry chunk and its static imports from the
 * Vite build manifest, gzipped, against the 400 KB target. Builds web/dist first when its sources
 * changed (the local runner's own build step), so the figure is of the code being benchmarked.
 */
import { CONSOLE_DIST, ensureConsoleBuild } from '../../infra/local/console.ts';
import { FIRST_LOAD_BUDGET_BYTES, firstLoad } from '../../web/scripts/first-load.ts';

export interface ConsoleResult {
  entry: string;
  files: { file: string; kb: number; gzipKb: number }[];
  kb: number;
  gzipKb: number;
  targetGzipKb: number;
  pass: boolean;
  /** Whether this run had to build the console (else web/dist was current). */
  built: boolean;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

export async function measureConsole(log: (line: string) => void): Promise<ConsoleResult> {
  const { built } = await ensureConsoleBuild(log);
  const load = firstLoad(CONSOLE_DIST);
  return {
    entry: load.entry,
    files: load.files.map((f) => ({ file: f.file, kb: kb(f.bytes), gzipKb: kb(f.gzipBytes) })),
    kb: kb(load.bytes),
    gzipKb: kb(load.gzipBytes),
    targetGzipKb: FIRST_LOAD_BUDGET_BYTES / 1024,
    pass: load.gzipBytes < FIRST_LOAD_BUDGET_BYTES,
    built,
  };
}
