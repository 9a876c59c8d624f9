import type { OutboxItem } from '../ports/applications.ts';
import type { ApprovalDeps } from './approval-steps.ts';

/**
 * The hand-off after the response: the table's stream delivers each new outbox item that carries a
 * hand-off (functions/entries/tasks/hand-off.ts; locally the runner's emulation, in order per
 * application). Sends the token the transaction recorded and completes the item. A token gone, a
 * failure or an item without a hand-off stays for the token's own task or the reconcile sweep, which
 * reads the application and decides (a decision whose token is gone is settled only once the workflow
 * is known to carry on).
 */
export async function handOff(
  deps: Pick<ApprovalDeps, 'repo' | 'workflow'>,
  item: OutboxItem,
): Promise<'sent' | 'gone' | 'left'> {
  if (item.kind === 'start-execution' || !item.handoff) return 'left';
  const result = await deps.workflow.sendTaskSuccess(item.handoff.token, item.handoff.output);
  // A payout's token gone: its task waits no more (deliverPayout settles it the same way).
  if (result === 'gone' && item.kind === 'deliver-decision') return 'gone';
  await deps.repo.completeOutbox(item);
  return result;
}
