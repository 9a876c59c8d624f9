/**
 * The pure domain rules the console shares with the server (functions/domain has no I/O), so inline
 * validation says exactly what the API would. The server stays the judge; this only saves a round trip.
 */
export { parseCaseNumber } from '../../functions/domain/case-number.ts';
export { validateCreditCode } from '../../functions/domain/credit-code.ts';
export {
  addCalendarMonths,
  CATEGORIES,
  CATEGORY_LABELS_EN,
  CATEGORY_LABELS_ZH,
  type Category,
} from '../../functions/domain/eligibility.ts';
export { validateResidentId } from '../../functions/domain/id-number.ts';
export { formatYuan, yuanToFen } from '../../functions/domain/money.ts';
