import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuditEntryContent,
  type ChainedAuditEntry,
  canonicalJson,
  GENESIS_HASH,
  hashEntry,
  sealEntry,
  verifyChain,
} from '../../../functions/domain/audit-chain.ts';

const STATUSES = ['draft', 'pending_approval', 'returned', 'awaiting_payout', 'paid', null] as const;

const contentArb = fc.record({
  at: fc
    .date({
      min: new Date('2018-12-15T00:00:00Z'),
      max: new Date('2019-02-12T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  actor: fc.record({
    sub: fc.string({ minLength: 1, maxLength: 8 }),
    court: fc.constantFrom('BJ0105', 'BJ03', 'BJ', 'SPC'),
    roles: fc.subarray(['clerk', 'approver', 'spc-admin'], { minLength: 1 }),
  }),
  action: fc.constantFrom('create', 'submit', 'decide', 'upload', 'payout'),
  fromStatus: fc.constantFrom(...STATUSES),
  toStatus: fc.constantFrom(...STATUSES),
  detail: fc.dictionary(
    fc.string({ maxLength: 6 }),
    fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean()),
  ),
});

/** Builds a valid chain from contents (seq assigned 1..n). */
function buildChain(contents: Omit<AuditEntryContent, 'seq'>[]): ChainedAuditEntry[] {
  const out: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  contents.forEach((c, i) => {
    const entry = sealEntry({ ...c, seq: i + 1 }, prev);
    out.push(entry);
    prev = entry.hash;
  });
  return out;
}

const chainArb = fc.array(contentArb, { minLength: 2, maxLength: 8 }).map(buildChain);

const sample: AuditEntryContent = {
  seq: 1,
  at: '2018-12-21T09:00:00+08:00',
  actor: { sub: 'clerk-1', court: 'BJ0105', roles: ['clerk'] },
  action: 'create',
  fromStatus: null,
  toStatus: 'draft',
  detail: { caseNumber: '(2018)京0105执1234号', amountFen: 3_000_000 },
};

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('follows JSON for undefined, dates and primitives', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: null })).toBe('{"b":[null],"c":null}');
    expect(canonicalJson(new Date('2018-12-21T00:00:00Z'))).toBe('"2018-12-21T00:00:00.000Z"');
    expect(canonicalJson('京')).toBe('"京"');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('throws TypeError for non-finite numbers, BigInt and cycles', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
  });

  it('property: equals JSON.stringify of the same value with keys sorted', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });
});

describe('hashEntry', () => {
  it('is sha256 hex of prevHash, a newline and the canonical content', () => {
    const expected = createHash('sha256')
      .update(`${GENESIS_HASH}\n${canonicalJson(sample)}`)
      .digest('hex');
    expect(hashEntry(sample, GENESIS_HASH)).toBe(expected);
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });

  it('ignores hash, prevHash and other extra fields, but not content fields', () => {
    const sealed = sealEntry(sample, GENESIS_HASH);
    expect(hashEntry(sealed, GENESIS_HASH)).toBe(sealed.hash);
    expect(hashEntry({ ...sample, extra: 1 } as AuditEntryContent, GENESIS_HASH)).toBe(sealed.hash);
    expect(hashEntry({ ...sample, action: 'submit' }, GENESIS_HASH)).not.toBe(sealed.hash);
    expect(hashEntry(sample, 'f'.repeat(64))).not.toBe(sealed.hash);
  });
});

describe('verifyChain', () => {
  it('accepts a valid chain and an empty one', () => {
    const chain = buildChain([
      sample,
      { ...sample, action: 'submit', fromStatus: 'draft', toStatus: 'pending_approval' },
    ]);
    expect(verifyChain(chain)).toEqual({ valid: true, length: 2 });
    expect(verifyChain([])).toEqual({ valid: true, length: 0 });
    expect(verifyChain(chain, { head: { seq: 2, hash: chain[1]?.hash ?? '' } })).toEqual({
      valid: true,
      length: 2,
    });
    expect(verifyChain([], { head: { seq: 0, hash: GENESIS_HASH } })).toEqual({ valid: true, length: 0 });
  });

  it('reports SEQ_GAP when seq does not start at 1 or skips', () => {
    const chain = buildChain([sample, sample, sample]);
    expect(verifyChain(chain.slice(1))).toEqual({ valid: false, brokenAtSeq: 1, reason: 'SEQ_GAP' });
    expect(verifyChain([chain[0], chain[2]] as ChainedAuditEntry[])).toEqual({
      valid: false,
      brokenAtSeq: 2,
      reason: 'SEQ_GAP',
    });
  });

  it('reports PREV_HASH_MISMATCH when a link points elsewhere', () => {
    const chain = buildChain([sample, sample]);
    const first = chain[0] as ChainedAuditEntry;
    // Re-sealed with a wrong prevHash: its own hash is consistent, the link is not.
    const relinked = sealEntry(first, 'a'.repeat(64));
    expect(verifyChain([relinked, ...chain.slice(1)])).toEqual({
      valid: false,
      brokenAtSeq: 1,
      reason: 'PREV_HASH_MISMATCH',
    });
  });

  it('reports HASH_MISMATCH when content was edited', () => {
    const chain = buildChain([sample, sample]);
    const edited = chain.map((e) => ({ ...e }));
    (edited[1] as ChainedAuditEntry).detail = { amountFen: 1 };
    expect(verifyChain(edited)).toEqual({ valid: false, brokenAtSeq: 2, reason: 'HASH_MISMATCH' });
  });

  it('with a head anchor, detects truncation and extension', () => {
    const chain = buildChain([sample, sample, sample]);
    const head = { seq: 3, hash: chain[2]?.hash ?? '' };
    expect(verifyChain(chain.slice(0, 2), { head })).toEqual({
      valid: false,
      brokenAtSeq: 3,
      reason: 'SEQ_GAP',
    });
    expect(verifyChain(chain, { head: { seq: 2, hash: chain[1]?.hash ?? '' } })).toEqual({
      valid: false,
      brokenAtSeq: 3,
      reason: 'SEQ_GAP',
    });
    expect(verifyChain(chain, { head: { seq: 3, hash: 'b'.repeat(64) } })).toEqual({
      valid: false,
      brokenAtSeq: 3,
      reason: 'HASH_MISMATCH',
    });
  });

  it('property: a generated chain verifies', () => {
    fc.assert(
      fc.property(chainArb, (chain) => {
        expect(verifyChain(chain, { head: { seq: chain.length, hash: chain.at(-1)?.hash ?? '' } })).toEqual({
          valid: true,
          length: chain.length,
        });
      }),
    );
  });

  const FIELDS = [
    'seq',
    'at',
    'actor.sub',
    'actor.court',
    'actor.roles',
    'action',
    'fromStatus',
    'toStatus',
    'detail',
    'hash',
    'prevHash',
  ] as const;

  it('property: editing any field of any entry is detected at or before that entry', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), fc.constantFrom(...FIELDS), (chain, pick, field) => {
        const i = pick % chain.length;
        const edited = structuredClone(chain);
        const e = edited[i] as ChainedAuditEntry;
        switch (field) {
          case 'seq':
            e.seq += 1;
            break;
          case 'at':
            e.at = `${e.at}x`;
            break;
          case 'actor.sub':
            e.actor.sub = `${e.actor.sub}x`;
            break;
          case 'actor.court':
            e.actor.court = e.actor.court === 'BT' ? 'BJ' : 'BT';
            break;
          case 'actor.roles':
            e.actor.roles = [...e.actor.roles, 'spc-admin'];
            break;
          case 'action':
            e.action = `${e.action}x`;
            break;
          case 'fromStatus':
            e.fromStatus = e.fromStatus === 'closed' ? null : 'closed';
            break;
          case 'toStatus':
            e.toStatus = e.toStatus === 'closed' ? null : 'closed';
            break;
          case 'detail':
            e.detail = { ...e.detail, tampered: true };
            break;
          case 'hash':
            e.hash = e.hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
            break;
          case 'prevHash':
            e.prevHash = e.prevHash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
            break;
        }
        const head = { seq: chain.length, hash: chain.at(-1)?.hash ?? '' };
        const r = verifyChain(edited, { head });
        expect(r.valid).toBe(false);
        if (!r.valid) expect(r.brokenAtSeq).toBeLessThanOrEqual(i + 2);
        // Even an edit of the last entry's hash is caught without the anchor (it no longer matches its content).
        expect(verifyChain(edited).valid).toBe(false);
      }),
    );
  });

  it('property: deleting any entry is detected (the last one through the head anchor)', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), (chain, pick) => {
        const i = pick % chain.length;
        const shorter = chain.filter((_, j) => j !== i);
        const head = { seq: chain.length, hash: chain.at(-1)?.hash ?? '' };
        expect(verifyChain(shorter, { head }).valid).toBe(false);
        if (i < chain.length - 1) expect(verifyChain(shorter).valid).toBe(false);
      }),
    );
  });

  it('property: swapping two entries is detected, even with seq and hashes renumbered locally', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), fc.nat(), (chain, a, b) => {
        const i = a % chain.length;
        const j = b % chain.length;
        fc.pre(i !== j);
        const swapped = [...chain];
        [swapped[i], swapped[j]] = [swapped[j] as ChainedAuditEntry, swapped[i] as ChainedAuditEntry];
        expect(verifyChain(swapped).valid).toBe(false);
        // Renumber seq so only the hashes can tell.
        const renumbered = swapped.map((e, k) => ({ ...e, seq: k + 1 }));
        expect(verifyChain(renumbered).valid).toBe(false);
      }),
    );
  });

  it('property: rewriting the chain from an edited entry onward is caught by the head anchor', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), (chain, pick) => {
        const i = pick % chain.length;
        const contents = chain.map(({ hash: _h, prevHash: _p, seq: _s, ...c }) => c);
        (contents[i] as Omit<AuditEntryContent, 'seq'>).detail = { rewritten: true };
        const forged = buildChain(contents);
        expect(verifyChain(forged).valid).toBe(true);
        expect(verifyChain(forged, { head: { seq: chain.length, hash: chain.at(-1)?.hash ?? '' } })).toEqual({
          valid: false,
          brokenAtSeq: chain.length,
          reason: 'HASH_MISMATCH',
        });
      }),
    );
  });
});
