/**
 * The case after relief (notice 三(一)1-2, 三.4): measures against the debtor stay in force, a
 * relief-closed case is checked for assets on a schedule (终本规定 Art. 9 by analogy), and enforcement
 * resumes when assets or evasion are found. Pure rules; the use cases in usecases/closure.ts and
 * usecases/monitoring.ts apply them.
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
