/**
 * The court hierarchy (法院层级) and approval routing (逐级审批) for every court of the country: the
 * generated registry `courts.registry.json`, read by `courts-data.ts` (sources and rules: docs/courts.md).
 *
 * Approval (notice 一(二)3): the executing court's enforcement bureau, then its upper court's, up to the
 * high court's, which approves within its quota. Basic courts of the four municipalities may report
 * straight to the high court (`directToHighCourt`).
 */
import { COURT_DATA, type Court, type CourtLevel } from './courts-data.ts';

export type { Court, CourtLevel };

export const COURTS: readonly Court[] = COURT_DATA;

const BY_CODE: ReadonlyMap<string, Court> = new Map(COURTS.map((c) => [c.code, c]));
const BY_PREFIX: ReadonlyMap<string, Court> = new Map(COURTS.map((c) => [c.caseCourtPrefix, c]));

/** The 32 quota holders (额度持有法院): the 31 provincial high courts and the XPCC branch ('BT'). */
export const QUOTA_HOLDER_CODES: readonly string[] = Object.freeze(
  COURTS.filter((c) => c.level === 'high').map((c) => c.code),
);

/** The court with this code, or undefined. */
export function getCourt(code: string): Court | undefined {
  return BY_CODE.get(code);
}

function requireCourt(code: string, fn: string): Court {
  const court = BY_CODE.get(code);
  if (!court) throw new RangeError(`${fn}: unknown court code ${JSON.stringify(code)}`);
  return court;
}

/** True for a high-level court that holds quota (31 high courts + XPCC branch). */
export function isQuotaHolder(code: string): boolean {
  return BY_CODE.get(code)?.level === 'high';
}

/** The court whose case numbers carry this prefix ('京0105' → BJ0105, '最高法' → SPC), or undefined. */
export function courtByCasePrefix(prefix: string): Court | undefined {
  return BY_PREFIX.get(prefix);
}

/**
 * The superiors of a court, nearest first, up to and including the SPC:
 * 'BJ0105' → ['BJ03', 'BJ', 'SPC']; 'BJ' → ['SPC']; 'SPC' → []. Throws RangeError for an unknown code.
 */
export function ancestorsOf(code: string): string[] {
  const out: string[] = [];
  let court = requireCourt(code, 'ancestorsOf');
  while (court.parentCode !== null) {
    out.push(court.parentCode);
    court = requireCourt(court.parentCode, 'ancestorsOf');
  }
  return out;
}

/**
 * The quota holder (high court or XPCC branch) responsible for a court: itself for a high court.
 * Throws RangeError for the SPC (it belongs to no quota holder) and for an unknown code.
 */
export function highCourtOf(code: string): string {
  const court = requireCourt(code, 'highCourtOf');
  if (court.level === 'spc') throw new RangeError('highCourtOf: the SPC belongs to no high court');
  if (court.level === 'high') return court.code;
  const high = ancestorsOf(code).find((c) => BY_CODE.get(c)?.level === 'high');
  if (!high) throw new RangeError(`highCourtOf: no high court above ${code}`);
  return high;
}

/**
 * The courts whose enforcement bureaus approve a case of `executingCourtCode`, in order, starting with
 * the executing court itself and ending with the quota holder:
 * basic → [basic, intermediate, high]; basic with directToHighCourt → [basic, high];
 * intermediate → [intermediate, high]; high → [high].
 * Throws RangeError for the SPC (it executes no relief cases here) and for an unknown code.
 */
export function approvalRoute(executingCourtCode: string): string[] {
  const court = requireCourt(executingCourtCode, 'approvalRoute');
  switch (court.level) {
    case 'spc':
      throw new RangeError('approvalRoute: the SPC executes no relief cases');
    case 'high':
      return [court.code];
    case 'intermediate':
      return [court.code, highCourtOf(court.code)];
    case 'basic':
      return court.directToHighCourt
        ? [court.code, highCourtOf(court.code)]
        : [court.code, ...ancestorsOf(court.code).filter((c) => c !== 'SPC')];
  }
}

/**
 * True when `viewerCode` may see `targetCode`'s matters: the viewer is the target or one of its
 * ancestors; the SPC sees every court. False when either code is unknown.
 */
export function isWithinJurisdiction(viewerCode: string, targetCode: string): boolean {
  if (!BY_CODE.has(viewerCode) || !BY_CODE.has(targetCode)) return false;
  return viewerCode === targetCode || ancestorsOf(targetCode).includes(viewerCode);
}
