import { type IndexProjection, TABLE_DESIGN } from '../../infra/table-design.ts';
import { dynamoItemSize, writeUnits } from './item-size.ts';

type Item = Record<string, unknown>;

/**
 * A key's kind with the ids grouped away: the part before the first `#` or `/`, and `<id>` where that
 * part is itself an id (a ULID, a number, a hex digest or UUID, a court code such as `BJ` or `SC01`).
 * `SEALQ#03` / `document/01M8…/01M8…` is `SEALQ` / `document`; `QUOTA#demo` / `BJ` is `QUOTA` / `<id>`.
 */
export function keyKind(value: unknown): string {
  if (typeof value !== 'string') return '?';
  const head = value.split(/[#/]/)[0] ?? value;
  return ID.test(head) ? '<id>' : head;
}
const ID =
  /^(?:[0-9A-HJKMNP-TV-Z]{26}|\d+|[0-9a-f]{16,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Z]{2}(?:\d{2})*)$/;

/** `pk/sk` kinds of an item or key (`APP/DOC`, `SEALQ/application`). */
export const itemKind = (key: Item | undefined) => `${keyKind(key?.pk)}/${keyKind(key?.sk)}`;

/** One item a write request wrote: a transaction's element, or a PutItem/UpdateItem/DeleteItem/batch put. */
export interface ItemWrite {
  op: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  /** itemKind of its key. */
  kind: string;
  /** The full key, `pk|sk`. */
  key: string;
  transactional: boolean;
  /** A Put's item. */
  item?: Item;
  /** The top-level attributes an Update sets, removes, adds to or deletes from (its UpdateExpression). */
  touched?: string[];
}

/** The item writes of one request (`PutItem`, `TransactWriteItems`…, with or without `Command`); reads give none. */
export function itemWrites(command: string, input: Item): ItemWrite[] {
  const op = command.replace(/Command$/, '');
  const one = (kind: ItemWrite['op'], body: Item | undefined, transactional: boolean): ItemWrite => {
    const key = (body?.Item ?? body?.Key) as Item | undefined;
    const write: ItemWrite = {
      op: kind,
      kind: itemKind(key),
      key: `${String(key?.pk)}|${String(key?.sk)}`,
      transactional,
    };
    if (kind === 'Put') write.item = body?.Item as Item;
    if (kind === 'Update')
      write.touched = updatedAttributes(
        String(body?.UpdateExpression ?? ''),
        body?.ExpressionAttributeNames as Record<string, string> | undefined,
      );
    return write;
  };
  switch (op) {
    case 'PutItem':
      return [one('Put', input, false)];
    case 'UpdateItem':
      return [one('Update', input, false)];
    case 'DeleteItem':
      return [one('Delete', input, false)];
    case 'TransactWriteItems':
      return ((input.TransactItems as Item[] | undefined) ?? []).map((element) => {
        const [kind, body] = Object.entries(element)[0] ?? ['?', {}];
        return one(kind as ItemWrite['op'], body as Item, true);
      });
    case 'BatchWriteItem':
      return Object.values((input.RequestItems as Record<string, Item[]> | undefined) ?? {})
        .flat()
        .map((r) =>
          r.PutRequest
            ? one('Put', r.PutRequest as Item, false)
            : one('Delete', r.DeleteRequest as Item, false),
        );
    default:
      return [];
  }
}

/** The top-level attribute names an UpdateExpression writes (`SET #a = :a, b.c = :x REMOVE #d` → a, b, d). */
export function updatedAttributes(expression: string, names: Record<string, string> = {}): string[] {
  const out = new Set<string>();
  const parts = expression.split(/(?:^|\s)(SET|REMOVE|ADD|DELETE)\s/);
  for (let i = 1; i < parts.length; i += 2) {
    const verb = parts[i];
    let depth = 0;
    let start = 0;
    const body = parts[i + 1] ?? '';
    const actions: string[] = [];
    for (let j = 0; j <= body.length; j++) {
      const c = body[j];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if ((c === ',' && depth === 0) || j === body.length) {
        actions.push(body.slice(start, j));
        start = j + 1;
      }
    }
    for (const action of actions) {
      const path = (verb === 'SET' ? action.split('=')[0] : action.trim().split(/\s+/)[0]) ?? '';
      const top = path.trim().split(/[.[]/)[0];
      if (top) out.add(names[top] ?? top);
    }
  }
  return [...out];
}

export interface IndexSpec {
  indexName: string;
  partitionKey: string;
  sortKey: string;
  projection: IndexProjection;
}

/** What the write units of one item kind come to, summed over its writes. */
export interface KindUnits {
  count: number;
  /** Summed size (bytes) of the items as charged (divide by count for the mean). */
  bytes: number;
  /** The table's write units as DynamoDB Local charges them (1 per started KB, 2 in a transaction; a ConditionCheck 0). */
  tableWru: number;
  /** A transaction's ConditionCheck as AWS bills it: a transactional write of the item (Local charges nothing). */
  conditionCheckWru: number;
  /** Index entries written (put, replaced or deleted) in the table's GSIs. */
  indexWrites: number;
  /** Their units: 1 per started KB of the projected item, doubled in a transaction as DynamoDB Local counts them. */
  indexWru: number;
}

export interface WriteUnitsResult {
  byKind: Record<string, KindUnits>;
  /** What DynamoDB Local would report: table + index units, ConditionChecks free. */
  localWru: number;
  /** What AWS bills: the same plus the ConditionChecks. */
  awsWru: number;
}

const has = (item: Item | undefined, name: string) => item !== undefined && item[name] !== undefined;

function projected(item: Item, index: IndexSpec): Item {
  if (index.projection.type === 'ALL') return item;
  const names = [
    TABLE_DESIGN.partitionKey,
    TABLE_DESIGN.sortKey,
    index.partitionKey,
    index.sortKey,
    ...index.projection.nonKeyAttributes,
  ];
  return Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]]));
}

const inIndex = (item: Item | undefined, index: IndexSpec): item is Item =>
  has(item, index.partitionKey) && has(item, index.sortKey);

/**
 * Write units computed from the items' sizes by DynamoDB's rules (bench/lib/item-size.ts). A Put is sized
 * by its own item; an Update, Delete or ConditionCheck by the stored item — the item as last Put in this
 * run when there was one, else `storedAfter` (the item read back after the run). An index entry is written
 * when a Put puts an item into the index, changes a projected attribute of one there, or takes it out (a
 * changed index key: two writes, the old entry's delete and the new one's put); when an Update touches
 * the index's key attributes or, for an item in the index, a projected attribute; when a Delete removes an
 * item that is in the index.
 */
export function computeWriteUnits(
  writes: readonly ItemWrite[],
  storedAfter: ReadonlyMap<string, Item>,
  indexes: readonly IndexSpec[] = TABLE_DESIGN.globalSecondaryIndexes,
): WriteUnitsResult {
  const lastPut = new Map<string, Item>();
  const byKind: Record<string, KindUnits> = {};
  let localWru = 0;
  let awsWru = 0;
  for (const w of writes) {
    const name = `${w.op} ${w.kind}`;
    byKind[name] ??= { count: 0, bytes: 0, tableWru: 0, conditionCheckWru: 0, indexWrites: 0, indexWru: 0 };
    const row = byKind[name];
    const stored = lastPut.get(w.key) ?? storedAfter.get(w.key);
    const item = w.op === 'Put' ? (w.item ?? {}) : stored;
    const bytes = item ? dynamoItemSize(item) : 0;
    row.count++;
    row.bytes += bytes;
    const units = writeUnits(bytes, w.transactional);
    if (w.op === 'ConditionCheck') row.conditionCheckWru += units;
    else row.tableWru += units;
    const indexWrite = (of: Item, index: IndexSpec) => {
      row.indexWrites++;
      row.indexWru += writeUnits(dynamoItemSize(projected(of, index)), w.transactional);
    };
    for (const index of indexes) {
      if (w.op === 'Put') {
        const before = lastPut.get(w.key);
        const after = w.item ?? {};
        const was = inIndex(before, index);
        const is = inIndex(after, index);
        if (was && is) {
          const sameKey =
            before[index.partitionKey] === after[index.partitionKey] &&
            before[index.sortKey] === after[index.sortKey];
          if (!sameKey) {
            indexWrite(before, index);
            indexWrite(after, index);
          } else if (JSON.stringify(projected(before, index)) !== JSON.stringify(projected(after, index)))
            indexWrite(after, index);
        } else if (is) indexWrite(after, index);
        else if (was) indexWrite(before, index);
      } else if (w.op === 'Update') {
        const touched = new Set(w.touched ?? []);
        const keyTouched = touched.has(index.partitionKey) || touched.has(index.sortKey);
        const projectedTouched =
          inIndex(stored, index) && Object.keys(projected(stored, index)).some((n) => touched.has(n));
        if (keyTouched || projectedTouched) indexWrite(stored ?? {}, index);
      } else if (w.op === 'Delete' && inIndex(stored, index)) indexWrite(stored, index);
    }
    if (w.op === 'Put' && w.item) lastPut.set(w.key, w.item);
    if (w.op === 'Delete') lastPut.delete(w.key);
  }
  for (const row of Object.values(byKind)) {
    localWru += row.tableWru + row.indexWru;
    awsWru += row.tableWru + row.indexWru + row.conditionCheckWru;
  }
  return { byKind, localWru, awsWru };
}
