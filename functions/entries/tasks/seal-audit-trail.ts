import { checkpoints } from '../../factories/audit.ts';
import { clock } from '../../factories/clock.ts';
import { auditChainStore } from '../../factories/dynamodb.ts';
import { logger } from '../../lib/logger.ts';
import { defineTask } from '../../lib/task.ts';
import { SEAL_REFUSED_MESSAGE, SealPayload, sealAuditTrail as spec } from '../../tasks/specs.ts';
import type { SealResult } from '../../usecases/audit-seal.ts';
import { sealAuditTrail } from '../../usecases/seal-audit-trail.ts';

/**
 * Scheduled (EventBridge, every `auditSealEveryMinutes`; the local runner every minute): seals the heads
 * of the audit chains changed since the last seal into the next signed checkpoint; `{ "full": true }` (an
 * operator's invocation) seals every chain.
 */
export { spec };
export const handler = defineTask(async (payload): Promise<SealResult> => {
  // A schedule's event is no seal payload: the default (what changed).
  const parsed = SealPayload.safeParse(payload ?? {});
  const full = parsed.success ? parsed.data.full : undefined;
  const result = await sealAuditTrail(
    { chains: auditChainStore(), ...checkpoints(), now: clock.now },
    { full: full === true },
  );
  if (result.refused.length > 0) {
    // Counted by a metric filter and alarmed (SEAL_REFUSED_MESSAGE).
    logger.error(SEAL_REFUSED_MESSAGE, { refused: result.refused });
  }
  if (result.checkpoint) logger.info('audit.sealed', { checkpoint: result.checkpoint });
  return result;
});
