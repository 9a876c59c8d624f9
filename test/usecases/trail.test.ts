import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../functions/domain/audit-chain.ts';
import { closeApplication, recordRecovery, resumeEnforcement } from '../../functions/usecases/closure.ts';
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
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
  });

  it('shows an edited, a removed and a dropped newest entry against the head kept on the application', async () => {
    const w = await world();
    const id = await w.submitted();
    const app = await w.repo.get(id);
    const head = { seq: app?.auditSeq ?? 0, hash: app?.auditHead ?? '' };
    const entries = await w.repo.listAudit(id);
    const edited = entries.map((e, i) => (i === 3 ? { ...e, detail: { ...e.detail, type: 'forged' } } : e));
    expect(verifyChain(edited, { head })).toMatchObject({
      valid: false,
      brokenAtSeq: 4,
      reason: 'HASH_MISMATCH',
    });
    expect(verifyChain(entries.slice(0, -1), { head })).toMatchObject({ valid: false, reason: 'SEQ_GAP' });
    expect(verifyChain([...entries.slice(0, 2), ...entries.slice(3)], { head })).toMatchObject({
      valid: false,
    });
  });
});
