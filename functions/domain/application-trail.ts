/**
 * An application's trail (全程留痕) is several hash chains: the application's own, and one per document
 * (its grant, upload, rejection and reviews, chained on the document itself so that six uploads in
 * parallel never write the same item). The application chain commits to the document chains: a
 * submission's and each decision's entry anchor the head of every document chain they read
 * (`detail.documentChains`), so removing or editing a document entry the approvers saw breaks the
 * application's trail too. Readers see the union in time order.
 */
import { type ChainedAuditEntry, type ChainVerification, GENESIS_HASH, verifyChain } from './audit-chain.ts';

export interface ChainHead {
  seq: number;
  hash: string;
}

/** One document's chain as stored: its entries and the head kept on the document. */
export interface DocumentChain {
  documentId: string;
  entries: ChainedAuditEntry[];
  head: ChainHead;
}

/** What an application entry records of a document chain it read. */
export interface DocumentAnchor {
  documentId: string;
  seq: number;
  hash: string;
}

/** An entry as a reader sees it: `documentId` names the document chain it is on (absent: the application's). */
export type TrailEntry = ChainedAuditEntry & { documentId?: string };

export type TrailVerification =
  | { valid: true; length: number }
  | {
      valid: false;
      brokenAtSeq: number;
      reason: 'HASH_MISMATCH' | 'PREV_HASH_MISMATCH' | 'SEQ_GAP' | 'ANCHOR_MISMATCH';
      /** The document whose chain (or whose anchor on the application chain) is broken. */
      documentId?: string;
    };

/** The anchors of the documents as read: their chain heads (a document without a chain: seq 0). */
export function documentAnchors(
  docs: readonly { documentId: string; auditSeq?: number; auditHead?: string }[],
): DocumentAnchor[] {
  return docs.map((d) => ({
    documentId: d.documentId,
    seq: d.auditSeq ?? 0,
    hash: d.auditHead ?? GENESIS_HASH,
  }));
}

function anchorsOf(entry: ChainedAuditEntry): DocumentAnchor[] {
  const raw = entry.detail.documentChains;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (a): a is DocumentAnchor =>
      typeof a === 'object' &&
      a !== null &&
      typeof (a as DocumentAnchor).documentId === 'string' &&
      typeof (a as DocumentAnchor).seq === 'number' &&
      typeof (a as DocumentAnchor).hash === 'string',
  );
}

/**
 * Verifies every chain of an application's trail: the application chain against the head on the
 * application, each document chain against the head on its document (entries past a head were written
 * after it was read: returned, not judged), and every anchor the application chain holds against the
 * document chain it names (the entry at the anchored seq must have the anchored hash).
 */
export function verifyApplicationTrail(
  application: { entries: readonly ChainedAuditEntry[]; head: ChainHead },
  documents: readonly DocumentChain[],
): TrailVerification {
  const own = verifyChain(
    application.entries.filter((e) => e.seq <= application.head.seq),
    { head: application.head },
  );
  if (!own.valid) return own;
  let length = own.length;
  const byId = new Map(documents.map((d) => [d.documentId, d]));
  for (const doc of documents) {
    const v: ChainVerification = verifyChain(
      doc.entries.filter((e) => e.seq <= doc.head.seq),
      { head: doc.head },
    );
    if (!v.valid) return { ...v, documentId: doc.documentId };
    length += v.length;
  }
  for (const entry of application.entries) {
    if (entry.seq > application.head.seq) continue;
    for (const anchor of anchorsOf(entry)) {
      if (anchor.seq === 0) continue;
      const chain = byId.get(anchor.documentId);
      const anchored = chain?.entries.find((e) => e.seq === anchor.seq);
      if (anchored?.hash !== anchor.hash) {
        return {
          valid: false,
          brokenAtSeq: entry.seq,
          reason: 'ANCHOR_MISMATCH',
          documentId: anchor.documentId,
        };
      }
    }
  }
  return { valid: true, length };
}

/**
 * The union of the chains, oldest first, each chain in its own order. Times come from different
 * writers, so causality comes first: a document entry an application entry anchors is placed before
 * that entry whatever the clocks say. Otherwise by time; at the same instant the application's entry
 * first, then the documents' in the order of their first entries.
 */
export function mergeTrail(
  application: readonly ChainedAuditEntry[],
  documents: readonly DocumentChain[],
): TrailEntry[] {
  // For each document entry, the index of the first application entry that anchors it.
  const dueBefore = new Map<string, number[]>();
  const chains = [...documents].sort((x, y) => {
    const ax = x.entries[0]?.at ?? '';
    const ay = y.entries[0]?.at ?? '';
    return ax < ay
      ? -1
      : ax > ay
        ? 1
        : x.documentId < y.documentId
          ? -1
          : x.documentId > y.documentId
            ? 1
            : 0;
  });
  for (const chain of chains) {
    const due = chain.entries.map(() => Number.POSITIVE_INFINITY);
    dueBefore.set(chain.documentId, due);
    application.forEach((entry, i) => {
      for (const anchor of anchorsOf(entry)) {
        if (anchor.documentId !== chain.documentId) continue;
        chain.entries.forEach((e, j) => {
          if (e.seq <= anchor.seq && (due[j] as number) > i) due[j] = i;
        });
      }
    });
  }
  const out: TrailEntry[] = [];
  const next = chains.map(() => 0);
  let appNext = 0;
  const total = application.length + chains.reduce((n, c) => n + c.entries.length, 0);
  while (out.length < total) {
    // Document entries due before the application's next entry go first (the oldest of them).
    let pick: { chain: number; at: string } | undefined;
    let due: { chain: number; at: string } | undefined;
    chains.forEach((chain, k) => {
      const j = next[k] as number;
      const e = chain.entries[j];
      if (!e) return;
      if (!pick || e.at < pick.at) pick = { chain: k, at: e.at };
      const before = dueBefore.get(chain.documentId)?.[j] ?? Number.POSITIVE_INFINITY;
      if (before <= appNext && (!due || e.at < due.at)) due = { chain: k, at: e.at };
    });
    const blocked = due !== undefined;
    if (due) pick = due;
    const app = application[appNext];
    if (app && !blocked && (!pick || app.at <= pick.at)) {
      out.push({ ...app });
      appNext++;
      continue;
    }
    if (!pick) break;
    const k = (pick as { chain: number }).chain;
    const chain = chains[k] as DocumentChain;
    const j = next[k] as number;
    out.push({ ...(chain.entries[j] as ChainedAuditEntry), documentId: chain.documentId });
    next[k] = j + 1;
  }
  return out;
}
