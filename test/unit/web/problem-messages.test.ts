import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROBLEM_MESSAGES, problemMessage } from '../../../web/src/i18n/problems.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * Every problem `code` a client can receive: the first argument of each typed error the server throws,
 * the local gateway's own problems, and the item codes of `errors[]` (those without a server sentence).
 */
function serverCodes(): Set<string> {
  const codes = new Set<string>();
  const files = [...sources('functions'), ...sources('infra/local')];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/new [A-Z]\w*Error\(\s*'([A-Z][A-Z0-9_]+)'/g)) codes.add(m[1] as string);
    for (const m of text.matchAll(/problem\(\s*\d+,\s*'[^']*',\s*'([A-Z][A-Z0-9_]+)'/g))
      codes.add(m[1] as string);
    for (const m of text.matchAll(/\bcode: '([A-Z]+_[A-Z0-9_]+)'/g)) codes.add(m[1] as string);
  }
  return codes;
}

describe('the console’s problem messages', () => {
  it('name every code the server can answer, in Chinese and in English', () => {
    const codes = serverCodes();
    // The scan itself must see the codes the contract names.
    for (const known of [
      'INELIGIBLE',
      'DUPLICATE_APPLICATION',
      'NOT_FOUND',
      'VERSION_CONFLICT',
      'ROUTE_NOT_FOUND',
    ])
      expect(codes).toContain(known);
    const missing = [...codes].filter((code) => !Object.hasOwn(PROBLEM_MESSAGES, code)).sort();
    expect(missing, 'add these to web/src/i18n/problems.ts').toEqual([]);
  });

  it('have a non-empty Chinese and English text for each code', () => {
    for (const [code, text] of Object.entries(PROBLEM_MESSAGES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(text.zh.trim(), code).not.toBe('');
      expect(text.en.trim(), code).not.toBe('');
      expect(text.zh, `${code} in Chinese`).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('still say something in words for a code they do not know, with the code', () => {
    expect(problemMessage('SOMETHING_NEW', 'zh')).toBe('操作未成功（代码 SOMETHING_NEW）。');
    expect(problemMessage('SOMETHING_NEW', 'en')).toContain('SOMETHING_NEW');
    expect(problemMessage('NOT_FOUND', 'zh')).toBe('未找到，或不在本院管辖范围内。');
  });
});
