/**
 * The text of a file a person exported from a spreadsheet (a court list, an insurer's statement): strict
 * UTF-8 (TextDecoder drops a BOM), else strict GB18030 — a superset of GBK, what Excel saves as "CSV" on a
 * Chinese Windows. Undefined when it is neither; callers refuse it in their own words.
 */
export function decodeUtf8OrGbk(
  bytes: Uint8Array,
): { text: string; encoding: 'utf-8' | 'gb18030' } | undefined {
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    try {
      return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding };
    } catch {
      // not this one: try the next
    }
  }
  return undefined;
}
