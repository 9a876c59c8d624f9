import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The console's first load: the JavaScript a browser must fetch before the first page renders — the
 * entry chunk and, transitively, its static imports (`imports` in Vite's build manifest, never its
 * `dynamicImports`, which are the lazily loaded pages). Sized as served (minified) and gzipped
 * (zlib's default level, as a CDN or the local runner would compress it).
 */
export interface FirstLoad {
  entry: string;
  files: { file: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

/** The budget the issue sets: under 400 KB of JavaScript gzipped. */
export const FIRST_LOAD_BUDGET_BYTES = 400 * 1024;

export function firstLoad(dist: string): FirstLoad {
  const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const entries = Object.entries(manifest).filter(([, c]) => c.isEntry);
  if (entries.length !== 1)
    throw new Error(`expected one entry in the Vite manifest, found ${entries.length}`);
  const [entryKey] = entries[0] as [string, ManifestChunk];
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`the Vite manifest names ${key} but has no chunk for it`);
    seen.add(key);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entryKey);
  const files = [...seen]
    .map((key) => (manifest[key] as ManifestChunk).file)
    .filter((file) => file.endsWith('.js'))
    .map((file) => {
      const content = readFileSync(path.join(dist, file));
      return { file, bytes: content.length, gzipBytes: gzipSync(content).length };
    })
    .sort((a, b) => b.gzipBytes - a.gzipBytes);
  return {
    entry: (manifest[entryKey] as ManifestChunk).file,
    files,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
  };
}
