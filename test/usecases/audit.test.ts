import { describe, expect, it } from 'vitest';
import { sealEntry } from '../../functions/domain/audit-chain.ts';
import type { Principal } from '../../functions/lib/auth.ts';
import type { AuditEntry } from '../../functions/ports/applications.ts';
import { applicationAudit } from '../../functions/usecases/audit.ts';
import { people, refusedWithoutChange, world } from './world.ts';

/** GET /applications/{id}/audit: the merged trail of an application and its documents, verified. */

async function submitted() {
  const w = await world();
  const id = await w.submitted();
  const chain = w.state.audit.get(id) as Map<number, AuditEntry>;
  const docKey = [...w.state.documentAudit.keys()].find((k) => k.startsWith(`${id}#`)) as string;
  const documentId = docKey.split('#')[1] as string;
  const docChain = w.state.documentAudit.get(docKey) as Map<number, AuditEntry>;
  return { w, id, chain, documentId, docChain };
}

describe('applicationAudit', () => {
  it('returns its own and its documents’ entries, merged oldest first, with a valid verification', async () => {
    const { w, id, documentId } = await submitted();
    const audit = await applicationAudit(w.deps, people.clerk, id);
    expect(audit.entries).toEqual(await w.verifiedAudit(id));
    expect(audit.verification).toEqual({ valid: true, length: audit.entries.length });
    expect(audit.entries.at(0)?.action).toBe('application.created');
    expect(audit.entries.at(-1)?.action).toBe('application.submitted');
    // Six documents, each requested then uploaded, on their own chains.
    expect(audit.entries.filter((e) => e.documentId === documentId).map((e) => e.action)).toEqual([
      'document.requested',
      'document.uploaded',
    ]);
    expect(audit.entries).toHaveLength(14);
  });

  it('is read by the executing court, its recorded superiors and the SPC', async () => {
    const { w, id } = await submitted();
    const readers: Principal[] = [
      people.clerk,
      people.basicApprover,
      people.midApprover,
      people.highApprover,
      people.spcClerk,
    ];
    for (const who of readers)
      expect((await applicationAudit(w.deps, who, id)).verification.valid).toBe(true);
  });

  it('is NOT_FOUND outside the jurisdiction, as for an id that does not exist', async () => {
    const { w, id } = await submitted();
    const outsiders: Principal[] = [
      people.foreignClerk,
      people.foreignApprover,
      { sub: 'clerk-jx0103', court: 'JX0103', roles: ['clerk'] },
      { sub: 'approver-jx02', court: 'JX02', roles: ['approver'] },
    ];
    for (const who of outsiders)
      await refusedWithoutChange(w, () => applicationAudit(w.deps, who, id), {
        code: 'NOT_FOUND',
        status: 404,
      });
    await refusedWithoutChange(w, () => applicationAudit(w.deps, people.spcClerk, 'M-nope'), {
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it('reports an altered entry of the application chain, and a removed newest one', async () => {
    const { w, id, chain } = await submitted();
    const created = chain.get(1) as AuditEntry;
    chain.set(1, { ...created, detail: { campaignId: 'other' } });
    expect((await applicationAudit(w.deps, people.clerk, id)).verification).toEqual({
      valid: false,
      brokenAtSeq: 1,
      reason: 'HASH_MISMATCH',
    });
    chain.set(1, created);
    chain.delete(2);
    expect((await applicationAudit(w.deps, people.clerk, id)).verification).toMatchObject({ valid: false });
  });

  it('reports an altered document entry with its documentId', async () => {
    const { w, id, documentId, docChain } = await submitted();
    const uploaded = docChain.get(2) as AuditEntry;
    docChain.set(2, { ...uploaded, detail: { ...uploaded.detail, type: 'forged' } });
    expect((await applicationAudit(w.deps, people.clerk, id)).verification).toEqual({
      valid: false,
      brokenAtSeq: 2,
      reason: 'HASH_MISMATCH',
      documentId,
    });
  });

  it('reports a document chain rewritten whole (head moved too) against the anchor the submission holds', async () => {
    const { w, id, documentId, docChain } = await submitted();
    const first = docChain.get(1) as AuditEntry;
    const second = docChain.get(2) as AuditEntry;
    const forged = sealEntry({ ...second, detail: { ...second.detail, type: 'forged' } }, first.hash);
    docChain.set(2, { ...second, ...forged } as AuditEntry);
    const doc = w.state.documents.get(id)?.get(documentId);
    if (doc) doc.auditHead = forged.hash;
    const submittedSeq = 2;
    expect((await applicationAudit(w.deps, people.clerk, id)).verification).toEqual({
      valid: false,
      brokenAtSeq: submittedSeq,
      reason: 'ANCHOR_MISMATCH',
      documentId,
    });
  });

  it('returns entries written after the head was read, without judging them', async () => {
    const { w, id, chain } = await submitted();
    const last = chain.get(2) as AuditEntry;
    const later = sealEntry({ ...last, seq: 3, action: 'application.in-flight', detail: {} }, last.hash);
    chain.set(3, later as AuditEntry);
    const audit = await applicationAudit(w.deps, people.clerk, id);
    expect(audit.entries.at(-1)?.action).toBe('application.in-flight');
    expect(audit.verification).toEqual({ valid: true, length: 14 });
  });
});
