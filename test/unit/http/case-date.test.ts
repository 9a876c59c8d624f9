import { describe, expect, it } from 'vitest';
import { CaseDate } from '../../../functions/http/schemas.ts';
import { DueQuery } from '../../../functions/http/specs/list-due-checks.ts';

/**
 * Dates of a case (filing, checklist proofs, asset checks) are days of the calendar: a day that does not
 * exist is a 400 at the schema, not a RangeError (500) further in, as `checkedAt: "2019-02-30"` was.
 */
describe('CaseDate', () => {
  it('takes real days and instants with their offset', () => {
    for (const ok of ['2024-02-29', '2026-12-01', '2026-12-01T15:15+08:00', '2026-12-01T07:15:07.960Z']) {
      expect(CaseDate.safeParse(ok).success, ok).toBe(true);
    }
  });

  it('refuses days the calendar has not, and times of day that are none', () => {
    for (const bad of ['2019-02-30', '2023-02-29', '2026-13-01', '2026-04-31', '2026-12-01T25:00+08:00']) {
      expect(CaseDate.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('GET /monitoring/due ?before=', () => {
  it('is a day of the calendar: 2026-13-45 is a 400, not a bound that lists everything', () => {
    expect(DueQuery.safeParse({ before: '2026-09-11' }).success).toBe(true);
    for (const bad of ['2026-13-45', '2026-02-30', '2026-9-11', '2026-09-11T00:00Z']) {
      expect(DueQuery.safeParse({ before: bad }).success, bad).toBe(false);
    }
  });
});
