/**
 * Progress of a long run on stderr: a cli-progress bar when stderr is a terminal, otherwise one plain
 * line per step (logs and CI keep a readable record; stdout stays clean for the summary).
 */
import cliProgress from 'cli-progress';
import type { OutStream } from './io.ts';

export interface Progress {
  /** `done` items of `total` are finished. */
  update(done: number): void;
  stop(): void;
}

export function createProgress(stderr: OutStream, total: number, label: string): Progress {
  if (stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: stderr as NodeJS.WritableStream,
        format: `${label} [{bar}] {value}/{total} {percentage}% · {duration_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      update: (done) => bar.update(done),
      stop: () => bar.stop(),
    };
  }
  return {
    update: (done) => {
      stderr.write(`${label}: ${done}/${total}\n`);
    },
    stop: () => {},
  };
}
