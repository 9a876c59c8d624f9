/**
 * An item's stored size by DynamoDB's rules (developer guide, "Item sizes and formats"): each attribute
 * name's UTF-8 bytes plus its value's — a string its UTF-8 bytes, a binary its bytes, a number about one byte per two
 * significant digits plus one, a boolean or null one byte, a list or map three bytes plus one per
 * element plus the elements (a map's names included). What a write costs follows from it: 1 WRU per
 * started KB (2 in a transaction), an index write 1 WRU per KB of what it projects.
 */
export function dynamoItemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  }
  return size;
}

function valueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/[.-]|e.*$/g, '')
      .replace(/^0+/, '')
      .replace(/0+$/, '');
    return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) {
    return 3 + value.reduce((n: number, v) => (v === undefined ? n : n + 1 + valueSize(v)), 0);
  }
  if (typeof value === 'object') {
    let n = 3;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      n += 1 + Buffer.byteLength(k, 'utf8') + valueSize(v);
    }
    return n;
  }
  throw new Error(`no DynamoDB size for ${typeof value}`);
}

/** Write units of a write of an item of `bytes`: 1 per started KB, 2 in a transaction. */
export const writeUnits = (bytes: number, transactional: boolean) =>
  (transactional ? 2 : 1) * Math.max(1, Math.ceil(bytes / 1024));
