import { applicationDeps } from '../../factories/dynamodb.ts';
import { EscalatePayload, escalate as spec } from '../../tasks/specs.ts';
import { escalateOverdue } from '../../usecases/approval.ts';

/** Approval task: a level left the application waiting too long (audit + counter). */
export { spec };
export async function handler(payload: unknown) {
  return escalateOverdue(applicationDeps(), EscalatePayload.parse(payload));
}
