import { applicationDeps } from '../../factories/dynamodb.ts';
import { BusinessMetric, countEvent } from '../../lib/metrics.ts';
import { defineTask } from '../../lib/task.ts';
import { EscalatePayload, escalate as spec } from '../../tasks/specs.ts';
import { escalateOverdue } from '../../usecases/escalate-overdue.ts';

/** Approval task: a level left the application waiting too long (audit + counter). */
export { spec };
export const handler = defineTask(async (payload: unknown) => {
  const input = EscalatePayload.parse(payload);
  const result = await escalateOverdue(applicationDeps(), input);
  // Counted only when written: an escalation the application no longer waits for is none.
  if (result.escalated) countEvent(BusinessMetric.Escalations, { name: 'reason', value: input.reason });
  return result;
});
