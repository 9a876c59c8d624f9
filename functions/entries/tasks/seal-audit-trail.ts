import { checkpoints } from '../../factories/audit.ts';
import { clock } from '../../factories/clock.ts';
import { auditChainStore } from '../../factories/dynamodb.ts';
import { logger } from '../../lib/logger.ts';
import { defineTask } from '../../lib/task.ts';
import { SEAL_REFUSED_MESSAGE, sealAuditTrail as spec } from '../../tasks/specs.ts';
import { type SealResult, sealAuditTrail } from '../../usecases/audit-seal.ts';

/**
 * Scheduled (EventBridge, every `auditSealEveryMinutes`; the local runner every minute): seals the heads
 * of the audit chains changed since the last seal into the next signed checkpoint.
 */
export { spec };
export const handler = defineTask(async (): Promise<SealResult> => {
  const result = await sealAuditTrail({ chains: auditChainStore(), ...checkpoints(), now: clock.now });
  if (result.refused.length > 0) {
    // Counted by a metric filter and alarmed (SEAL_REFUSED_MESSAGE).
    logger.error(SEAL_REFUSED_MESSAGE, { refused: result.refused });
  }
  if (result.checkpoint) logger.info('audit.sealed', { checkpoint: result.checkpoint });
  return result;
});
