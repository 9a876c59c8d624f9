import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { applicationRepository } from '../../factories/dynamodb.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { underRecordedCorrelationId } from '../../lib/correlation.ts';
import { logger } from '../../lib/logger.ts';
import { defineTask } from '../../lib/task.ts';
import type { OutboxItem } from '../../ports/applications.ts';
import { handOff as spec } from '../../tasks/specs.ts';
import { handOff } from '../../usecases/hand-off.ts';

/** A new outbox item with a hand-off, as the stream's NEW_IMAGE unmarshals (the table's keys besides). */
const HandOffRecord = z.looseObject({
  kind: z.enum(['start-execution', 'deliver-decision', 'deliver-payout']),
  applicationId: z.string().check(z.minLength(1)),
  submissionSeq: z.int(),
  createdAt: z.string(),
  correlationId: z.optional(z.string()),
  handoff: z.optional(
    z.object({ token: z.string().check(z.minLength(1)), output: z.record(z.string(), z.unknown()) }),
  ),
});

/**
 * The table's stream, filtered to new outbox items with a hand-off (infra/stacks/stateless-stack.ts;
 * locally infra/local/outbox-stream.ts calls this with the same event): hands each to the workflow
 * after the request that wrote it has answered. An item it cannot finish stays in the outbox for the
 * reconcile sweep, so one failing item never holds the batch (nothing here throws per item).
 */
export { spec };
export const handler = defineTask(async (payload: unknown) => {
  // Only the application store: the hand-off reads no campaign or court (its grant is APP only).
  const deps = { repo: applicationRepository(), workflow: approvalWorkflow() };
  const outcomes: Record<string, number> = {};
  for (const record of (payload as DynamoDBStreamEvent).Records ?? []) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image) continue;
    const item = HandOffRecord.parse(unmarshall(image as Record<string, AttributeValue> as never));
    let outcome: string;
    try {
      // Under the correlation id of the request that wrote the item (q18's outbox correlation id).
      outcome = await underRecordedCorrelationId(item.correlationId, () =>
        handOff(deps, item as unknown as OutboxItem),
      );
    } catch (error) {
      outcome = 'failed';
      logger.warn('hand-off deferred to reconcile', {
        kind: item.kind,
        applicationId: item.applicationId,
        errorName: (error as Error).name,
      });
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  return outcomes;
});
