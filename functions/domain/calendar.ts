/** True when year-month-day is a day of the calendar (no 2019-02-30, no month 13): Date.UTC rolls those over. */
export function isCalendarDay(y: number, m: number, d: number): boolean {
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}
