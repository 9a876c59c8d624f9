/**
 * Atomic file output: the data goes to a hidden temporary file beside the target, is flushed to disk,
 * then renamed over the target in one step. A failure at any point removes the temporary file, so the
 * target is either absent, its previous content, or the complete new content — never half-written.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './errors.ts';

export type AtomicData =
  | string
  | Uint8Array
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>;

/** The temporary name used for `target`: same directory (so rename stays on one file system), hidden. */
export function temporaryPathFor(target: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes `data` to `target` atomically (see the module comment). Returns the absolute target path. */
export async function writeFileAtomic(target: string, data: AtomicData): Promise<string> {
  const absolute = path.resolve(target);
  const tmp = temporaryPathFor(absolute);
  const handle = await open(tmp, 'wx', 0o644);
  let closed = false;
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) {
      await handle.writeFile(data);
    } else {
      for await (const chunk of data)
        await handle.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    }
    await handle.sync();
    await handle.close();
    closed = true;
    await rename(tmp, absolute);
    return absolute;
  } catch (err) {
    if (!closed) await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Checks, before any work is done, that `target` can be written: its directory exists and is writable,
 * and it is not a directory itself. Throws UsageError otherwise.
 */
export function assertWritableTarget(target: string, flag = '--out'): string {
  const absolute = path.resolve(target);
  const dir = path.dirname(absolute);
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${flag}: cannot write into ${dir} (missing or not writable)`);
  }
  try {
    if (statSync(absolute).isDirectory()) throw new UsageError(`${flag}: ${absolute} is a directory`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // does not exist yet: fine
  }
  return absolute;
}
