/**
 * The court hierarchy (法院层级) as a value: a `CourtRegistry` is built from court rows (the courts
 * table at run time, the committed registry in tests and tools) and answers the pure hierarchy
 * questions — ancestors, quota holder, approval route (逐级审批), jurisdiction. Nothing here reads a
 * file or a table, so every bundle that imports it stays small.
 *
 * Approval (notice 一(二)3): the executing court's enforcement bureau, then its upper court's, up to the
 * high court's, which approves within its quota. Basic courts of the four municipalities may report
 * straight to the high court (`directToHighCourt`).
 */
import { PROVINCE_DESIGNATIONS } from './provinces.ts';

export type CourtLevel = 'spc' | 'high' | 'intermediate' | 'basic';

export interface Court {
  code: string;
  name: string;
  level: CourtLevel;
  parentCode: string | null;
  /** 2-letter province code of the quota holder ('BJ', …, 'BT' for the XPCC), or 'SPC'. */
  province: string;
  /** Basic courts of BJ/TJ/SH/CQ only: approvals go straight to the high court. */
  directToHighCourt: boolean;
  /** The court prefix in case numbers: '最高法', '京', '京01', '京0105', '内0102', '兵', '兵01'. */
  caseCourtPrefix: string;
}

export class CourtRegistry {
  readonly courts: readonly Court[];
  /** The 32 quota holders (额度持有法院): the 31 provincial high courts and the XPCC branch ('BT'). */
  readonly quotaHolderCodes: readonly string[];
  private readonly byCode: ReadonlyMap<string, Court>;
  private readonly byPrefix: ReadonlyMap<string, Court>;

  /** `version` is the stored registry's version (0 for a registry not read from the table). */
  constructor(
    courts: readonly Court[],
    readonly version = 0,
  ) {
    this.courts = courts;
    this.byCode = new Map(courts.map((c) => [c.code, c]));
    this.byPrefix = new Map(courts.map((c) => [c.caseCourtPrefix, c]));
    this.quotaHolderCodes = Object.freeze(courts.filter((c) => c.level === 'high').map((c) => c.code));
  }

  /** The court with this code, or undefined. */
  get(code: string): Court | undefined {
    return this.byCode.get(code);
  }

  private require(code: string, fn: string): Court {
    const court = this.byCode.get(code);
    if (!court) throw new RangeError(`${fn}: unknown court code ${JSON.stringify(code)}`);
    return court;
  }

  /** True for a high-level court that holds quota (31 high courts + XPCC branch). */
  isQuotaHolder(code: string): boolean {
    return this.byCode.get(code)?.level === 'high';
  }

  /** The court whose case numbers carry this prefix ('京0105' → BJ0105, '最高法' → SPC), or undefined. */
  byCasePrefix(prefix: string): Court | undefined {
    return this.byPrefix.get(prefix);
  }

  /**
   * The superiors of a court, nearest first, up to and including the SPC:
   * 'BJ0105' → ['BJ03', 'BJ', 'SPC']; 'BJ' → ['SPC']; 'SPC' → []. Throws RangeError for an unknown code
   * (and for a cycle, which a validated registry never has).
   */
  ancestorsOf(code: string): string[] {
    const out: string[] = [];
    let court = this.require(code, 'ancestorsOf');
    while (court.parentCode !== null) {
      if (out.includes(court.parentCode) || court.parentCode === code) {
        throw new RangeError(`ancestorsOf: cycle through ${court.parentCode}`);
      }
      out.push(court.parentCode);
      court = this.require(court.parentCode, 'ancestorsOf');
    }
    return out;
  }

  /**
   * The quota holder (high court or XPCC branch) responsible for a court: itself for a high court.
   * Throws RangeError for the SPC (it belongs to no quota holder) and for an unknown code.
   */
  highCourtOf(code: string): string {
    const court = this.require(code, 'highCourtOf');
    if (court.level === 'spc') throw new RangeError('highCourtOf: the SPC belongs to no high court');
    if (court.level === 'high') return court.code;
    const high = this.ancestorsOf(code).find((c) => this.byCode.get(c)?.level === 'high');
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
  approvalRoute(executingCourtCode: string): string[] {
    const court = this.require(executingCourtCode, 'approvalRoute');
    switch (court.level) {
      case 'spc':
        throw new RangeError('approvalRoute: the SPC executes no relief cases');
      case 'high':
        return [court.code];
      case 'intermediate':
        return [court.code, this.highCourtOf(court.code)];
      case 'basic':
        return court.directToHighCourt
          ? [court.code, this.highCourtOf(court.code)]
          : [court.code, ...this.ancestorsOf(court.code).filter((c) => c !== 'SPC')];
    }
  }

  /**
   * True when `viewerCode` may see `targetCode`'s matters: the viewer is the target or one of its
   * ancestors; the SPC sees every court. False when either code is unknown.
   */
  isWithinJurisdiction(viewerCode: string, targetCode: string): boolean {
    if (!this.byCode.has(viewerCode) || !this.byCode.has(targetCode)) return false;
    return viewerCode === targetCode || this.ancestorsOf(targetCode).includes(viewerCode);
  }
}

// ---------------------------------------------------------------------------------------------------
// Validation of a registry (after a PUT or an import): the rules every stored registry satisfies.

/** A rule a court breaks; `status` is the HTTP status the API answers with. */
export interface CourtIssue {
  court: string;
  code:
    | 'INVALID_COURT_CODE'
    | 'UNKNOWN_PARENT_COURT'
    | 'COURT_PARENT_CYCLE'
    | 'COURT_PARENT_CROSSES_PROVINCE'
    | 'COURT_LEVEL_MISMATCH'
    | 'COURT_PROVINCE_MISMATCH'
    | 'INVALID_CASE_COURT_PREFIX'
    | 'DIRECT_TO_HIGH_COURT_NOT_ALLOWED'
    | 'CASE_PREFIX_TAKEN'
    | 'DUPLICATE_COURT_CODE';
  field: keyof Court;
  message: string;
}

/** HTTP status per issue: a prefix another court holds is a conflict, everything else 422. */
export function issueStatus(issue: CourtIssue): 409 | 422 {
  return issue.code === 'CASE_PREFIX_TAKEN' ? 409 : 422;
}

const PARENT_LEVEL: Record<CourtLevel, CourtLevel | null> = {
  spc: null,
  high: 'spc',
  intermediate: 'high',
  basic: 'intermediate',
};

/** The level a court code's shape implies ('SPC', 2 letters, +2 digits, +4 digits), or undefined. */
export function levelOfCode(code: string): CourtLevel | undefined {
  if (code === 'SPC') return 'spc';
  const m = /^([A-Z]{2})(\d{2}|\d{4})?$/.exec(code);
  if (!m || !PROVINCE_DESIGNATIONS.some((p) => p.code === m[1])) return undefined;
  if (!m[2]) return 'high';
  return m[2].length === 2 ? 'intermediate' : 'basic';
}

const MUNICIPALITIES = new Set(['BJ', 'TJ', 'SH', 'CQ']);

/** The rules one court breaks on its own and against its parent in `byCode`. */
function courtIssues(court: Court, byCode: ReadonlyMap<string, Court>): CourtIssue[] {
  const issue = (code: CourtIssue['code'], field: keyof Court, message: string): CourtIssue => ({
    court: court.code,
    code,
    field,
    message,
  });
  const shape = levelOfCode(court.code);
  if (!shape) {
    return [issue('INVALID_COURT_CODE', 'code', `${court.code}: not a court code (SPC, BJ, BJ01, BJ0105…)`)];
  }
  const out: CourtIssue[] = [];
  if (court.level !== shape) {
    out.push(
      issue('COURT_LEVEL_MISMATCH', 'level', `${court.code} is a ${shape} court code, not ${court.level}`),
    );
  }
  const province = court.code === 'SPC' ? 'SPC' : court.code.slice(0, 2);
  if (court.province !== province) {
    out.push(issue('COURT_PROVINCE_MISMATCH', 'province', `${court.code} belongs to province ${province}`));
  }
  const abbr = court.code === 'SPC' ? '最高法' : PROVINCE_DESIGNATIONS.find((p) => p.code === province)?.abbr;
  const digits = { spc: '', high: '', intermediate: '\\d{2}', basic: '\\d{4}' }[shape];
  if (!new RegExp(`^${abbr}${digits}$`).test(court.caseCourtPrefix)) {
    out.push(
      issue(
        'INVALID_CASE_COURT_PREFIX',
        'caseCourtPrefix',
        `${court.code}: a ${shape} court's designation is ${abbr}${digits ? ` + ${digits.length === 5 ? 2 : 4} digits` : ''}`,
      ),
    );
  }
  if (court.directToHighCourt && !(shape === 'basic' && MUNICIPALITIES.has(province))) {
    out.push(
      issue(
        'DIRECT_TO_HIGH_COURT_NOT_ALLOWED',
        'directToHighCourt',
        `${court.code}: only basic courts of the four municipalities report straight to the high court`,
      ),
    );
  }
  if (shape === 'spc') {
    if (court.parentCode !== null)
      out.push(issue('COURT_LEVEL_MISMATCH', 'parentCode', 'The SPC has no parent'));
    return out;
  }
  if (court.parentCode === null) {
    out.push(issue('UNKNOWN_PARENT_COURT', 'parentCode', `${court.code} needs a parent court`));
    return out;
  }
  const parent = byCode.get(court.parentCode);
  if (!parent) {
    out.push(issue('UNKNOWN_PARENT_COURT', 'parentCode', `${court.code}: no court ${court.parentCode}`));
    return out;
  }
  // A cycle: walking up from the parent comes back to this court.
  const seen = new Set<string>([court.code]);
  for (let at: Court | undefined = parent; at; at = at.parentCode ? byCode.get(at.parentCode) : undefined) {
    if (seen.has(at.code)) {
      out.push(issue('COURT_PARENT_CYCLE', 'parentCode', `${court.code} under ${parent.code} makes a cycle`));
      return out;
    }
    seen.add(at.code);
  }
  if (shape !== 'high' && parent.province !== province) {
    out.push(
      issue(
        'COURT_PARENT_CROSSES_PROVINCE',
        'parentCode',
        `${court.code} (${province}) cannot sit under ${parent.code} (${parent.province})`,
      ),
    );
  }
  if (parent.level !== PARENT_LEVEL[shape]) {
    out.push(
      issue(
        'COURT_LEVEL_MISMATCH',
        'parentCode',
        `A ${shape} court sits under a ${PARENT_LEVEL[shape]} court, not ${parent.code} (${parent.level})`,
      ),
    );
  }
  return out;
}

/**
 * Every rule `courts` break, checking only the courts named in `changed` (all when omitted) and,
 * for them, the children that now hang below them. Duplicate designations are checked across all.
 */
export function validateCourts(courts: readonly Court[], changed?: ReadonlySet<string>): CourtIssue[] {
  const byCode = new Map(courts.map((c) => [c.code, c]));
  const out: CourtIssue[] = [];
  const check = changed
    ? courts.filter((c) => changed.has(c.code) || (c.parentCode !== null && changed.has(c.parentCode)))
    : courts;
  for (const court of check) out.push(...courtIssues(court, byCode));
  const holders = new Map<string, string>();
  for (const court of courts) {
    const other = holders.get(court.caseCourtPrefix);
    if (other !== undefined) {
      const mine = !changed || changed.has(court.code) ? court.code : other;
      out.push({
        court: mine,
        code: 'CASE_PREFIX_TAKEN',
        field: 'caseCourtPrefix',
        message: `${court.caseCourtPrefix} is already the designation of ${mine === court.code ? other : court.code}`,
      });
    } else holders.set(court.caseCourtPrefix, court.code);
  }
  return out;
}

/** The fields of a court that differ between two versions (for audit entries and import reports). */
export function courtDiff(before: Court, after: Court): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of [
    'name',
    'level',
    'parentCode',
    'province',
    'directToHighCourt',
    'caseCourtPrefix',
  ] as const) {
    if (before[key] !== after[key]) out[key] = { from: before[key], to: after[key] };
  }
  return out;
}
