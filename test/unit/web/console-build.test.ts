import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleSourceHash } from '../../../infra/local/console.ts';

/** `npm start` rebuilds the console exactly when what the build reads has changed. */
let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  root = mkdtempSync(path.join(tmpdir(), 'relief-console-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe('the console build stamp', () => {
  it('changes with the console’s sources and the domain rules it shares, not with other code', () => {
    const dir = tree({
      'web/index.html': '<div id="root"></div>',
      'web/src/main.tsx': 'render()',
      'functions/domain/id-number.ts': 'export {}',
      'functions/usecases/applications.ts': 'export {}',
    });
    const before = consoleSourceHash(dir);
    expect(consoleSourceHash(dir)).toBe(before);
    writeFileSync(path.join(dir, 'functions/usecases/applications.ts'), 'export const x = 1');
    expect(consoleSourceHash(dir)).toBe(before);
    writeFileSync(path.join(dir, 'web/src/main.tsx'), 'render(1)');
    const afterSource = consoleSourceHash(dir);
    expect(afterSource).not.toBe(before);
    writeFileSync(path.join(dir, 'functions/domain/id-number.ts'), 'export const y = 2');
    expect(consoleSourceHash(dir)).not.toBe(afterSource);
  });

  it('changes when a file is renamed, even with the same content', () => {
    const dir = tree({ 'web/src/a.ts': 'same' });
    const before = consoleSourceHash(dir);
    rmSync(path.join(dir, 'web/src/a.ts'));
    writeFileSync(path.join(dir, 'web/src/b.ts'), 'same');
    expect(consoleSourceHash(dir)).not.toBe(before);
  });
});
