import { describe, expect, it } from 'vitest';
import { verifyApplicationTrail } from '../../functions/domain/application-trail.ts';
import { closeApplication } from '../../functions/usecases/close-application.ts';
import { recordRecovery } from '../../functions/usecases/record-recovery.ts';
import { resumeEnforcement } from '../../functions/usecases/resume-enforcement.ts';
import { people, world } from './world.ts';

describe('the trail of a whole case (全程留痕)', () => {
  it('holds one hash-chained entry per action, by whom and from which court, from creation to recovery', async () => {
    const w = await world();
    const id = await w.paid();
    await closeApplication(w.deps, people.clerk, id, {
      rulingNumber: '(2026)赣0102执1号',
      issuedAt: '2026-03-11',
    });
    await resumeEnforcement(w.deps, people.clerk, id, {
      reason: 'evasion',
      basis: '转移财产',
      amountFen: 3_000_000,
    });
    await recordRecovery(w.deps, people.clerk, id, {
      amountFen: 100,
      receivedAt: '2026-03-12',
      reference: 'r',
    });
    const entries = await w.verifiedAudit(id);
    expect(entries.map((e) => [e.action, e.actor.court])).toEqual([
      ['application.created', 'JX0102'],
      ...[
        'identity',
        'enforcement-basis',
        'hardship-proof',
        'termination-consent',
        'bank-account',
        'execution-report',
      ].flatMap(() => [
        ['document.requested', 'JX0102'],
        ['document.uploaded', 'JX0102'],
      ]),
      ['application.submitted', 'JX0102'],
      ['decision.approve', 'JX0102'],
      ['decision.approve', 'JX01'],
      ['decision.approve', 'JX'],
      ['package.dispatched', 'JX0102'],
      ['payout.succeeded', 'JX0102'],
      ['application.closed', 'JX0102'],
      ['enforcement.resumed', 'JX0102'],
      ['recovery.recorded', 'JX0102'],
    ]);
    // The application's own chain, and one chain per document (its grant, then its upload).
    const own = entries.filter((e) => e.documentId === undefined);
    expect(own.map((e) => e.seq)).toEqual(own.map((_, i) => i + 1));
    const documents = new Set(entries.flatMap((e) => (e.documentId ? [e.documentId] : [])));
    expect(documents.size).toBe(6);
    for (const documentId of documents) {
      expect(entries.filter((e) => e.documentId === documentId).map((e) => [e.seq, e.action])).toEqual([
        [1, 'document.requested'],
        [2, 'document.uploaded'],
      ]);
    }
  });

  it('shows an edited, a removed and a dropped newest entry against the heads, and a dropped document chain against its anchor', async () => {
    const w = await world();
    const id = await w.submitted();
    const app = await w.repo.get(id);
    const head = { seq: app?.auditSeq ?? 0, hash: app?.auditHead ?? '' };
    const trail = await w.repo.readTrail(id);
    const own = { entries: trail.application, head };
    expect(verifyApplicationTrail(own, trail.documents)).toMatchObject({ valid: true });

    const edited = trail.application.map((e, i) =>
      i === 0 ? { ...e, detail: { ...e.detail, forged: 1 } } : e,
    );
    expect(verifyApplicationTrail({ entries: edited, head }, trail.documents)).toMatchObject({
      valid: false,
      brokenAtSeq: 1,
      reason: 'HASH_MISMATCH',
    });
    expect(
      verifyApplicationTrail({ entries: trail.application.slice(0, -1), head }, trail.documents),
    ).toMatchObject({
      valid: false,
      reason: 'SEQ_GAP',
    });

    // A document's chain: an edited entry, a removed newest entry (against the head on the document).
    const [first, ...others] = trail.documents;
    if (!first) throw new Error('no document chain');
    const forged = {
      ...first,
      entries: first.entries.map((e, i) =>
        i === 1 ? { ...e, detail: { ...e.detail, sha256: 'f'.repeat(64) } } : e,
      ),
    };
    expect(verifyApplicationTrail(own, [forged, ...others])).toEqual({
      valid: false,
      brokenAtSeq: 2,
      reason: 'HASH_MISMATCH',
      documentId: first.documentId,
    });
    const cut = { ...first, entries: first.entries.slice(0, -1) };
    expect(verifyApplicationTrail(own, [cut, ...others])).toMatchObject({
      valid: false,
      reason: 'SEQ_GAP',
      documentId: first.documentId,
    });
    // The whole chain and its head gone (or rewritten consistently): the submission's anchor says so.
    const rewritten = {
      ...first,
      entries: first.entries.slice(0, 1),
      head: { seq: 1, hash: first.entries[0]?.hash ?? '' },
    };
    const submission = trail.application.find((e) => e.action === 'application.submitted');
    for (const documents of [others, [rewritten, ...others]]) {
      expect(verifyApplicationTrail(own, documents)).toEqual({
        valid: false,
        brokenAtSeq: submission?.seq,
        reason: 'ANCHOR_MISMATCH',
        documentId: first.documentId,
      });
    }
  });
});
