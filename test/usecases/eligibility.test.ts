import { describe, expect, it } from 'vitest';
import type { ApplicationFacts } from '../../functions/domain/eligibility.ts';
import type { Principal } from '../../functions/lib/auth.ts';
import { screenCandidates } from '../../functions/usecases/eligibility.ts';
import { people, refusedWithoutChange, world } from './world.ts';

/** 排查 (POST /campaigns/{id}/screenings): eligibility of candidate cases, persisting nothing. */

describe('screenCandidates', () => {
  it('judges each candidate against the campaign and the caller’s court, with a summary', async () => {
    const w = await world();
    const { campaignId: _c, ...eligible } = w.facts();
    const noConsent: ApplicationFacts = { ...w.facts(), consentToTermination: false };
    const overLimit: ApplicationFacts = {
      ...w.facts(),
      reliefAmountFen: w.campaign.standardLimitFen + 1,
      case: { ...w.facts().case, claimAmountFen: w.campaign.specialLimitFen + 1 },
    };
    const unread = { failures: [{ code: 'REQUIRED', path: 'applicant', message: 'applicant is required' }] };
    const before = w.dump();
    const screened = await screenCandidates(w.deps, people.clerk, 'demo', [
      { facts: eligible },
      { facts: noConsent },
      unread,
      { facts: overLimit },
    ]);
    expect(w.dump()).toEqual(before);
    expect(screened.summary).toEqual({ total: 4, eligible: 1, ineligible: 3 });
    expect(screened.results.map((r) => [r.index, r.eligible])).toEqual([
      [0, true],
      [1, false],
      [2, false],
      [3, false],
    ]);
    expect(screened.results[0]?.failures).toEqual([]);
    expect(screened.results[1]?.failures.map((f) => f.code)).toEqual(['NO_CONSENT']);
    // A candidate the route could not read keeps its own failures, unjudged.
    expect(screened.results[2]?.failures).toEqual(unread.failures);
    expect(screened.results[3]?.failures.map((f) => f.code)).toContain('AMOUNT_OVER_LIMIT');
  });

  it('judges the case number against the caller’s court, not the case’s', async () => {
    const w = await world();
    const facts = w.facts();
    const foreign = await screenCandidates(w.deps, people.foreignClerk, 'demo', [{ facts }]);
    expect(foreign.results[0]?.failures.map((f) => f.code)).toContain('CASE_COURT_MISMATCH');
    const own = await screenCandidates(w.deps, people.clerk, 'demo', [{ facts }]);
    expect(own.results[0]?.eligible).toBe(true);
  });

  it('judges dates against today in Beijing, from the clock', async () => {
    const w = await world({ now: '2026-03-10T17:00:00.000Z' }); // 2026-03-11 in Beijing
    const on = (filedAt: string) => ({ facts: { ...w.facts(), case: { ...w.facts().case, filedAt } } });
    const screened = await screenCandidates(w.deps, people.clerk, 'demo', [
      on('2026-03-12'),
      on('2026-03-11'),
    ]);
    expect(screened.results[0]?.failures.map((f) => f.code)).toContain('FILED_AT_IN_FUTURE');
    expect(screened.results[1]?.failures.map((f) => f.code)).not.toContain('FILED_AT_IN_FUTURE');
  });

  it('answers an empty list with an empty summary', async () => {
    const w = await world();
    expect(await screenCandidates(w.deps, people.clerk, 'demo', [])).toEqual({
      results: [],
      summary: { total: 0, eligible: 0, ineligible: 0 },
    });
  });

  it('is for executing courts: refused at the SPC or a court the registry lacks (COURT_CANNOT_EXECUTE)', async () => {
    const w = await world();
    const candidates = [{ facts: w.facts() }];
    for (const who of [
      people.spcAdmin,
      people.spcClerk,
      { sub: 'x', court: 'XX0101', roles: ['clerk'] } satisfies Principal,
    ])
      await refusedWithoutChange(w, () => screenCandidates(w.deps, who, 'demo', candidates), {
        code: 'COURT_CANNOT_EXECUTE',
        status: 403,
      });
  });

  it('refuses an unknown campaign (UNKNOWN_CAMPAIGN)', async () => {
    const w = await world();
    await refusedWithoutChange(
      w,
      () => screenCandidates(w.deps, people.clerk, 'nope', [{ facts: w.facts() }]),
      {
        code: 'UNKNOWN_CAMPAIGN',
        status: 422,
      },
    );
  });
});
