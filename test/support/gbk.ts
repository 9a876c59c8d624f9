/**
 * GBK bytes of a text, as Excel saves a "CSV" on a Chinese Windows, for tests of files in that encoding.
 * No encoder ships with Node (TextEncoder is UTF-8 only), so the table is the inverse of Node's own
 * GB18030 decoder over the two-byte range GBK occupies; ASCII stays as it is.
 */
let table: Map<string, [number, number]> | undefined;

function gbkTable() {
  if (table) return table;
  table = new Map();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  return table;
}

export function gbk(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) out.push(code);
    else {
      const pair = gbkTable().get(ch);
      if (!pair) throw new RangeError(`not in GBK: ${ch}`);
      out.push(...pair);
    }
  }
  return Buffer.from(out);
}
