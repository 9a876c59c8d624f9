/**
 * The audit trail as a hash chain (全程留痕): each entry's hash covers its content and the previous
 * entry's hash, so editing, deleting, inserting or reordering entries breaks the chain. Anchoring the
 * head (last seq and hash, kept on the application record) also detects removal of the newest entries.
 */
import { createHash } from 'node:crypto';

export interface AuditEntryContent {
  seq: number;
  at: string;
  actor: { sub: string; court: string; roles: string[] };
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  detail: Record<string, unknown>;
}

export type ChainedAuditEntry = AuditEntryContent & { hash: string; prevHash: string };

/** prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type ChainVerification =
  | { valid: true; length: number }
  | { valid: false; brokenAtSeq: number; reason: 'HASH_MISMATCH' | 'PREV_HASH_MISMATCH' | 'SEQ_GAP' };

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units) at every depth, no whitespace. Follows
 * JSON.stringify otherwise (toJSON is honoured, so Dates become ISO strings; undefined, functions and
 * symbols are omitted from objects and become null in arrays). Throws TypeError for non-finite numbers,
 * BigInt and cycles, so two different values never share a canonical form by accident.
 */
export function canonicalJson(value: unknown): string {
  const stack = new Set<object>();
  const walk = (v: unknown, inArray: boolean): string | undefined => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON: () => unknown }).toJSON();
    }
    if (v === null) return 'null';
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return JSON.stringify(v);
      case 'number':
        if (!Number.isFinite(v)) throw new TypeError('canonicalJson: non-finite number');
        return JSON.stringify(v);
      case 'bigint':
        throw new TypeError('canonicalJson: BigInt is not JSON');
      case 'undefined':
      case 'function':
      case 'symbol':
        return inArray ? 'null' : undefined;
    }
    const obj = v as object;
    if (stack.has(obj)) throw new TypeError('canonicalJson: circular structure');
    stack.add(obj);
    let out: string;
    if (Array.isArray(obj)) {
      out = `[${obj.map((item) => walk(item, true)).join(',')}]`;
    } else {
      const parts: string[] = [];
      for (const key of Object.keys(obj).sort()) {
        const s = walk((obj as Record<string, unknown>)[key], false);
        if (s !== undefined) parts.push(`${JSON.stringify(key)}:${s}`);
      }
      out = `{${parts.join(',')}}`;
    }
    stack.delete(obj);
    return out;
  };
  return walk(value, false) ?? 'null';
}

/** Only the content fields: a full entry (with hash/prevHash or extra fields) hashes like its content. */
function contentOf(e: AuditEntryContent): AuditEntryContent {
  return {
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    detail: e.detail,
  };
}

/** sha256 hex of `prevHash + '\n' + canonicalJson(content)`, over the seven content fields only. */
export function hashEntry(content: AuditEntryContent, prevHash: string): string {
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalJson(contentOf(content))}`, 'utf8')
    .digest('hex');
}

/** The entry with its prevHash and hash filled in. */
export function sealEntry(content: AuditEntryContent, prevHash: string): ChainedAuditEntry {
  return { ...contentOf(content), prevHash, hash: hashEntry(content, prevHash) };
}

/** What a caller records; the chain assigns seq and hashes, the store the time. */
export interface AuditEntryInput {
  actor: { sub: string; court: string; roles: readonly string[] };
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  detail: Record<string, unknown>;
}

/**
 * The entry a store writes for `input` on top of a chain's head (`auditSeq` 0 and GENESIS_HASH for a
 * new chain): the one construction every application and document chain uses, so that an entry's hash
 * can also be known before the write (an upload grant signs its chain head into the object key).
 */
export function nextEntry(
  head: { auditSeq: number; auditHead: string },
  input: AuditEntryInput,
  at: string,
): ChainedAuditEntry {
  return sealEntry(
    {
      seq: head.auditSeq + 1,
      at,
      actor: { sub: input.actor.sub, court: input.actor.court, roles: [...input.actor.roles] },
      action: input.action,
      fromStatus: input.fromStatus,
      toStatus: input.toStatus,
      detail: input.detail,
    },
    head.auditHead,
  );
}

/**
 * Verifies a chain given in seq order. Entry i (0-based) must have seq i+1 (else SEQ_GAP), prevHash equal
 * to the previous entry's hash or GENESIS_HASH for the first (else PREV_HASH_MISMATCH), and hash equal to
 * `hashEntry(content, prevHash)` (else HASH_MISMATCH). `brokenAtSeq` is the position i+1 where the check
 * failed: every entry before it is intact. An empty chain is valid with length 0.
 *
 * With `opts.head` (the last seq and hash recorded elsewhere, e.g. on the application), a chain that
 * stops short of head.seq is SEQ_GAP at the first missing seq, one that runs past it is SEQ_GAP at
 * head.seq + 1, and a last hash other than head.hash is HASH_MISMATCH at head.seq.
 */
export function verifyChain(
  entries: readonly ChainedAuditEntry[],
  opts: { head?: { seq: number; hash: string } } = {},
): ChainVerification {
  let prev = GENESIS_HASH;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as ChainedAuditEntry;
    const position = i + 1;
    if (e.seq !== position) return { valid: false, brokenAtSeq: position, reason: 'SEQ_GAP' };
    if (e.prevHash !== prev) return { valid: false, brokenAtSeq: position, reason: 'PREV_HASH_MISMATCH' };
    let expected: string;
    try {
      expected = hashEntry(e, e.prevHash);
    } catch {
      return { valid: false, brokenAtSeq: position, reason: 'HASH_MISMATCH' };
    }
    if (e.hash !== expected) return { valid: false, brokenAtSeq: position, reason: 'HASH_MISMATCH' };
    prev = e.hash;
  }
  const head = opts.head;
  if (head) {
    if (entries.length < head.seq)
      return { valid: false, brokenAtSeq: entries.length + 1, reason: 'SEQ_GAP' };
    if (entries.length > head.seq) return { valid: false, brokenAtSeq: head.seq + 1, reason: 'SEQ_GAP' };
    if (head.seq > 0 && prev !== head.hash)
      return { valid: false, brokenAtSeq: head.seq, reason: 'HASH_MISMATCH' };
    if (head.seq === 0 && head.hash !== GENESIS_HASH) {
      return { valid: false, brokenAtSeq: 1, reason: 'HASH_MISMATCH' };
    }
  }
  return { valid: true, length: entries.length };
}
