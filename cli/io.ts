/**
 * Everything the CLI touches outside its arguments, passed in so tests run it in-process with captured
 * streams, their own environment and a fake API. `processIo()` is the real thing.
 */

export interface OutStream {
  write(chunk: string | Uint8Array): unknown;
  /** True when a terminal is attached (progress bar on stderr; refuse binary output on stdout). */
  isTTY?: boolean;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Relative input and output paths resolve against this. */
  cwd: string;
  fetch: typeof fetch;
  /** Pauses before retrying a throttled or unavailable call (429/502/503/504); its length is the retry count. */
  retryDelaysMs: readonly number[];
  /** Per-request timeout. */
  timeoutMs: number;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    fetch: globalThis.fetch,
    retryDelaysMs: [1000, 3000, 10_000],
    timeoutMs: 120_000,
  };
}
