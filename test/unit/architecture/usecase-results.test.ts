import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Use cases return domain results (docs/architecture.md): what a request answers with — its status,
 * ETag, Location or any other header, the stored response an Idempotency-Key replays — is rendered by
 * its entry (functions/entries/http/*, with lib/etag.ts), never by a use case.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIR = 'functions/usecases';

/** The code of a file without its comments (a comment may well speak of "201" or "the ETag"). */
function codeOf(file: string): string {
  return readFileSync(path.join(ROOT, DIR, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const HTTP = [
  { what: 'an HTTP status', pattern: /\bstatus(?:Code)?\s*:\s*\d/ },
  { what: 'headers', pattern: /\bheaders\b/i },
  { what: 'an ETag', pattern: /\betag/i },
  { what: 'a Location', pattern: /\blocation\s*:/i },
  { what: 'If-Match', pattern: /\bifmatch\b|if-match/i },
  { what: 'a stored HTTP response', pattern: /\bStoredResponse\b/ },
];

describe('use cases speak no HTTP', () => {
  const files = readdirSync(path.join(ROOT, DIR)).filter((f) => f.endsWith('.ts'));

  it('finds the use cases it checks', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain('submit-application.ts');
  });

  it('no use case returns a status code, headers, an ETag or a Location', () => {
    const found = files.flatMap((file) => {
      const code = codeOf(file);
      return HTTP.filter((h) => h.pattern.test(code)).map((h) => `${DIR}/${file}: ${h.what}`);
    });
    expect(found).toEqual([]);
  });
});
