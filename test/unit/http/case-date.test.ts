import { describe, expect, it } from 'vitest';
import { CaseDate } from '../../../functions/http/schemas.ts';

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
