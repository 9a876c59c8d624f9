/**
 * The case after relief (notice 三(一)1-2, 三.4): measures against the debtor stay in force, a
 * relief-closed case is checked for assets on a schedule (终本规定 Art. 9 by analogy), and enforcement
 * resumes when assets or evasion are found. Pure rules; the use cases (usecases/close-application.ts,
 * resume-enforcement.ts, record-recovery.ts, lift-measure.ts and
 * record-asset-check.ts, dismiss-resumption.ts, escalate-overdue-asset-checks.ts) apply them.
 */
import type { Measure } from './eligibility.ts';

/** A measure lifted after closure: only once enforcement resumed and the resumed amount was recovered. */
export interface LiftedMeasure {
  reference: string;
  basis: string;
  liftedAt: string;
  liftedBy: string;
}

/**
 * Whether the restrictions of a case are lifted: true only when the case has measures and every one
 * of them was lifted. A case with no recorded measure has nothing lifted (false): the restrictions the
 * notice keeps are not lifted by omission.
 */
export function restrictionsLiftedOf(
  measures: readonly Measure[] | undefined,
  lifted: readonly Pick<LiftedMeasure, 'reference'>[] | undefined,
): boolean {
  const list = measures ?? [];
  if (list.length === 0) return false;
  const gone = new Set((lifted ?? []).map((l) => l.reference));
  return list.every((m) => gone.has(m.reference));
}

/** The measures still in force: those not lifted. */
export function measuresInForce(
  measures: readonly Measure[] | undefined,
  lifted: readonly Pick<LiftedMeasure, 'reference'>[] | undefined,
): Measure[] {
  const gone = new Set((lifted ?? []).map((l) => l.reference));
  return (measures ?? []).filter((m) => !gone.has(m.reference));
}

/**
 * 三(一)2: the debtor's restrictions stay after relief. They may be lifted only when enforcement
 * resumed (恢复执行) and the debt it resumed for is satisfied: the money recovered reaches the resumed
 * amount. Returns why not, or undefined when lifting is allowed.
 */
export function liftRefusal(app: {
  status: string;
  resumption?: { amountFen: number } | null;
  recoveredFen?: number;
}): 'RESTRICTIONS_MUST_REMAIN' | undefined {
  if (app.status !== 'resumed' || !app.resumption) return 'RESTRICTIONS_MUST_REMAIN';
  return (app.recoveredFen ?? 0) >= app.resumption.amountFen ? undefined : 'RESTRICTIONS_MUST_REMAIN';
}

export const ASSET_CHECK_METHODS = ['network-inquiry', 'field-investigation', 'lead-from-applicant'] as const;
export const ASSET_CHECK_RESULTS = ['none-found', 'assets-found', 'evasion-found'] as const;

/** One asset check (财产查询) of a relief-closed case, as recorded by the executing court. */
export interface AssetCheck {
  /** The Shanghai date the check was made (YYYY-MM-DD). */
  checkedOn: string;
  checkedAt: string;
  method: (typeof ASSET_CHECK_METHODS)[number];
  result: (typeof ASSET_CHECK_RESULTS)[number];
  detail: string;
  applicantNotifiedAt?: string;
  recordedAt: string;
  recordedBy: string;
}

/**
 * Post-closure monitoring: an asset check every `intervalMonths` from closure until `until` (closure +
 * `years`), each next check due `intervalMonths` after the last one (or after closure); `nextDue` is
 * null once the next would fall after `until`. Dates are Shanghai calendar dates.
 */
export interface Monitoring {
  closedOn: string;
  intervalMonths: number;
  until: string;
  nextDue: string | null;
  checks: AssetCheck[];
  /**
   * Overdue checks escalated to the executing court and its high court (the overdue sweep), oldest
   * first: at most one per due date, which is what makes the sweep idempotent.
   */
  escalations?: OverdueEscalation[];
}

/** One overdue check escalated (usecases/escalate-overdue-asset-checks.ts). */
export interface OverdueEscalation {
  /** The due date that had passed (YYYY-MM-DD, Beijing). */
  due: string;
  escalatedAt: string;
  /** The executing court and its high court, as told. */
  escalatedTo: [courtCode: string, highCourtCode: string];
}

/** `date` plus whole calendar months, the day clamped to the month end (as eligibility counts). */
function plusMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const day = Math.min(d, new Date(Date.UTC(year, month, 0)).getUTCDate());
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The schedule that starts at closure (终本规定 Art. 9 by analogy: every 6 months for 5 years by default). */
export function startMonitoring(
  closedOn: string,
  settings: { intervalMonths: number; years: number },
): Monitoring {
  const until = plusMonths(closedOn, settings.years * 12);
  const first = plusMonths(closedOn, settings.intervalMonths);
  return {
    closedOn,
    intervalMonths: settings.intervalMonths,
    until,
    nextDue: first > until ? null : first,
    checks: [],
  };
}

/** The schedule after a check on `checkedOn`: the next one falls one interval after the latest check. */
export function afterAssetCheck(m: Monitoring, check: AssetCheck): Monitoring {
  const checks = [...m.checks, check];
  const latest = checks
    .map((c) => c.checkedOn)
    .sort()
    .at(-1) as string;
  const next = plusMonths(latest, m.intervalMonths);
  return { ...m, checks, nextDue: next > m.until ? null : next };
}

/** Due on or before `day` (YYYY-MM-DD): the check is due or overdue. */
export function isCheckDue(m: Monitoring | null | undefined, day: string): boolean {
  return !!m?.nextDue && m.nextDue <= day;
}

/** Overdue on `day`: its due date has passed. */
export function isCheckOverdue(m: Monitoring | null | undefined, day: string): boolean {
  return !!m?.nextDue && m.nextDue < day;
}

/**
 * The overdue check to escalate on `day`, if any: the case's due date has passed and no escalation for
 * that due date was recorded (a second sweep, or the same due date again, escalates nothing new).
 */
export function overdueToEscalate(m: Monitoring | null | undefined, day: string): string | undefined {
  if (!m || !isCheckOverdue(m, day)) return undefined;
  const due = m.nextDue as string;
  return (m.escalations ?? []).some((e) => e.due === due) ? undefined : due;
}

/** When the check now due was escalated as overdue, or null. */
export function escalatedAtOf(m: Monitoring | null | undefined): string | null {
  if (!m?.nextDue) return null;
  return (m.escalations ?? []).find((e) => e.due === m.nextDue)?.escalatedAt ?? null;
}

/** A result that prompts resumption of enforcement (三.4): assets found, or evasion. */
export function promptsResumption(result: AssetCheck['result']): boolean {
  return result === 'assets-found' || result === 'evasion-found';
}

export type AssetCheckRefusal =
  | 'NOT_RELIEF_CLOSED'
  | 'CHECK_IN_FUTURE'
  | 'CHECK_BEFORE_CLOSURE'
  | 'DUPLICATE_ASSET_CHECK';

/**
 * Why an asset check on `checkedOn` with `method` cannot be recorded, or undefined: the case must be
 * closed or resumed, with monitoring started at closure; not in the future (Shanghai `today`); not
 * before closure; not the same date and method as a check already recorded.
 */
export function assetCheckRefusal(
  app: { status: string; monitoring?: Monitoring | null },
  check: { checkedOn: string; method: string },
  today: string,
): AssetCheckRefusal | undefined {
  const m = app.monitoring;
  if ((app.status !== 'closed' && app.status !== 'resumed') || !m) return 'NOT_RELIEF_CLOSED';
  if (check.checkedOn > today) return 'CHECK_IN_FUTURE';
  if (check.checkedOn < m.closedOn) return 'CHECK_BEFORE_CLOSURE';
  if (m.checks.some((c) => c.checkedOn === check.checkedOn && c.method === check.method))
    return 'DUPLICATE_ASSET_CHECK';
  return undefined;
}
