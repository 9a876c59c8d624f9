import * as z from 'zod';

/**
 * Clean text in request bodies (INVALID_TEXT). Every string field of every request body carries one
 * of the two checks below (the request schemas build their text fields from them, and a unit test
 * walks every route's body schema to prove it):
 *
 * - `lineText`: names, numbers, references, short labels. No control character at all: C0
 *   U+0000-U+001F (tab and newline too), DEL U+007F, C1 U+0080-U+009F, the line and paragraph
 *   separators U+2028/U+2029, the bidi embeddings and overrides U+202A-U+202E and isolates
 *   U+2066-U+2069, and lone surrogates (a string that is not well-formed UTF-16).
 * - `blockText`: long free text (hardship statement, reasons, bases, opinions, comments). The same,
 *   except that `\n` (line feed) and `\t` (tab) are allowed. A carriage return is not: send `\n`.
 *
 * A failure is a zod issue with `params.code === 'INVALID_TEXT'`, which the HTTP layer answers as
 * 400 INVALID_TEXT naming the path. The check runs before `.trim()`, on the text exactly as sent.
 */
import { INVALID_TEXT } from './text-issue.ts';

export { INVALID_TEXT, isInvalidTextIssue } from './text-issue.ts';

// Cc is exactly C0 U+0000-U+001F, DEL U+007F and C1 U+0080-U+009F; Cs matches only lone surrogates.
const FORBIDDEN_IN_LINE = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;
const FORBIDDEN_IN_BLOCK = /(?![\t\n])[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;

/** The first character not allowed in the text, as `U+XXXX` with its UTF-16 index; undefined when clean. */
export function forbiddenCharacter(
  text: string,
  kind: 'line' | 'block',
): { codePoint: string; index: number } | undefined {
  const m = (kind === 'line' ? FORBIDDEN_IN_LINE : FORBIDDEN_IN_BLOCK).exec(text);
  if (!m) return undefined;
  const code = (m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  return { codePoint: `U+${code}`, index: m.index };
}

function textCheck(kind: 'line' | 'block') {
  const allowed = kind === 'line' ? '' : ' (line feed and tab are allowed)';
  return z.check<string>((ctx) => {
    const found = forbiddenCharacter(ctx.value, kind);
    if (!found) return;
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      params: { code: INVALID_TEXT },
      message: `Text must not contain control characters, bidirectional overrides or lone surrogates${allowed}: ${found.codePoint} at position ${found.index}.`,
    });
  });
}

/** The check of one-line text fields; one shared instance, so a schema walker can recognise it. */
export const lineText = textCheck('line');
/** The check of long free-text fields; one shared instance. */
export const blockText = textCheck('block');
