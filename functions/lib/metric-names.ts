/**
 * The business metrics' names, as pure data: written by functions/lib/metrics.ts (EMF), read by the
 * dashboard and alarms (infra/stacks/stateless-stack.ts) at synth time without loading Powertools.
 */
export const METRICS_NAMESPACE = 'Relief';
export const METRICS_SERVICE = 'relief';

/** The metric names, as the dashboard and alarms read them. */
export const BusinessMetric = {
  ApplicationsCreated: 'ApplicationsCreated',
  /** dimension `outcome`: approve | reject | return … (the decision the approver recorded) */
  Decisions: 'Decisions',
  /** dimension `code`: QUOTA_EXCEEDED, QUOTA_BELOW_COMMITTED … */
  QuotaRefusals: 'QuotaRefusals',
  /** dimension `outcome`: payout.succeeded | payout.declined */
  Payouts: 'Payouts',
  /** dimension `reason`: the problem code the webhook answered (INVALID_SIGNATURE …) */
  WebhookRefusals: 'WebhookRefusals',
  /** dimension `reason`: DECISION_OVERDUE | PAYOUT_OVERDUE | INSURER_UNREACHABLE */
  Escalations: 'Escalations',
  /** dimension `outcome`: `workflow.<outcome>` | `upload.<outcome>` of the re-drive sweep (quiet outcomes not counted) */
  Redrives: 'Redrives',
  /** Re-drives that failed (workflow failed or start-failed, upload failed): retried by the next run, alarmed. */
  RedriveFailures: 'RedriveFailures',
  /** Post-closure asset checks escalated as overdue by the overdue sweep (one per check and due date), alarmed. */
  AssetChecksOverdue: 'AssetChecksOverdue',
  /**
   * dimension `outcome`: released | dropped | fenced | gone | failed — quota reservation entries the
   * reconcile run found older than the decision Lambda's timeout (usecases/quota-reservations.ts): a
   * decision crashed between its reservation and its transaction, or its release failed. Alarmed.
   */
  StaleReservations: 'StaleReservations',
  /** After each reconcile run: outbox items still waiting (up to 100) and the oldest one's age. */
  OutboxDepth: 'OutboxDepth',
  OutboxOldestAgeSeconds: 'OutboxOldestAgeSeconds',
} as const;
export type BusinessMetricName = (typeof BusinessMetric)[keyof typeof BusinessMetric];
