/**
 * The approval chain (逐级审批) as pure rules: where a decision leads, given the route and the level.
 * Quota is reserved only by the final level's approval (the high court, 高级人民法院执行局统一审批).
 */
export type DecisionKind = 'approve' | 'reject' | 'return';

export type DecisionOutcome =
  | {
      outcome: 'next-level';
      status: 'pending_approval';
      level: number;
      pendingAt: string;
      reservesQuota: false;
    }
  | { outcome: 'approved'; status: 'awaiting_payout'; level: number; pendingAt: null; reservesQuota: true }
  | { outcome: 'rejected'; status: 'rejected'; level: number; pendingAt: null; reservesQuota: false }
  | { outcome: 'returned'; status: 'returned'; level: number; pendingAt: null; reservesQuota: false };

export class ApprovalRuleError extends Error {
  override name = 'ApprovalRuleError';
  constructor(
    readonly code: 'COMMENT_REQUIRED' | 'LEVEL_OUT_OF_ROUTE',
    message: string,
  ) {
    super(message);
  }
}

/** Reject and return need a written reason (驳回/退回补充须说明理由). */
export function requiresComment(decision: DecisionKind): boolean {
  return decision !== 'approve';
}

export function decide(
  route: readonly string[],
  level: number,
  decision: DecisionKind,
  comment: string,
): DecisionOutcome {
  if (!Number.isInteger(level) || level < 0 || level >= route.length) {
    throw new ApprovalRuleError(
      'LEVEL_OUT_OF_ROUTE',
      `Level ${level} is not on a route of ${route.length} levels.`,
    );
  }
  if (requiresComment(decision) && comment.trim() === '') {
    throw new ApprovalRuleError('COMMENT_REQUIRED', `A ${decision} needs a comment.`);
  }
  if (decision === 'reject')
    return { outcome: 'rejected', status: 'rejected', level, pendingAt: null, reservesQuota: false };
  if (decision === 'return')
    return { outcome: 'returned', status: 'returned', level, pendingAt: null, reservesQuota: false };
  const next = level + 1;
  if (next < route.length) {
    return {
      outcome: 'next-level',
      status: 'pending_approval',
      level: next,
      pendingAt: route[next] as string,
      reservesQuota: false,
    };
  }
  return { outcome: 'approved', status: 'awaiting_payout', level, pendingAt: null, reservesQuota: true };
}

/** Quota arithmetic, integer fen. `available = allocated − reserved − disbursed` and never below zero. */
export interface QuotaFigures {
  allocatedFen: number;
  reservedFen: number;
  disbursedFen: number;
}

export function remainingFen(q: QuotaFigures): number {
  return q.allocatedFen - q.reservedFen - q.disbursedFen;
}
