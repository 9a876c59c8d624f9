import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** One item of a transaction with the name its cancellation is known by (`application`, `quota`…). */
export type Labelled = readonly [label: string, item: TransactItem];

/**
 * Why a TransactWriteItems call was cancelled, by item label rather than by position: which labelled
 * items failed their condition, the old item DynamoDB returned for one (ReturnValuesOnConditionCheckFailure),
 * and the raw reason codes (TransactionConflict, ThrottlingError…) for the retry decision.
 */
export interface Cancellation {
  /** Labels of the items whose condition failed (ConditionalCheckFailed). */
  readonly failed: ReadonlySet<string>;
  /** Every reason code, in the transaction's order (None for items that did not fail). */
  readonly codes: readonly (string | undefined)[];
  /** The stored item returned for the first failed item with this label, if DynamoDB returned one. */
  itemOf(label: string): Record<string, unknown> | undefined;
  readonly error: unknown;
}

export function isTransactionCanceled(error: unknown): error is TransactionCanceledException {
  return (
    error instanceof TransactionCanceledException ||
    (error as Error | undefined)?.name === 'TransactionCanceledException'
  );
}

/** The cancellation of `labelled` that `error` reports, or undefined when `error` is no cancellation. */
export function cancellationOf(labelled: readonly Labelled[], error: unknown): Cancellation | undefined {
  if (!isTransactionCanceled(error)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  const failed = new Set<string>();
  reasons.forEach((reason, i) => {
    if (reason.Code === 'ConditionalCheckFailed') failed.add(labelled[i]?.[0] ?? 'unknown');
  });
  return {
    failed,
    codes: reasons.map((r) => r.Code),
    itemOf(label) {
      const i = reasons.findIndex(
        (r, j) => r.Code === 'ConditionalCheckFailed' && labelled[j]?.[0] === label,
      );
      return i < 0 ? undefined : (reasons[i]?.Item as Record<string, unknown> | undefined);
    },
    error,
  };
}

/**
 * Sends the labelled items as one TransactWriteItems call. Resolves undefined when it was written, the
 * Cancellation (by label) when DynamoDB cancelled it; any other error is thrown.
 */
export async function writeLabelled(
  doc: DynamoDBDocumentClient,
  labelled: readonly Labelled[],
): Promise<Cancellation | undefined> {
  try {
    await doc.send(new TransactWriteCommand({ TransactItems: labelled.map(([, item]) => item) }));
    return undefined;
  } catch (error) {
    const cancellation = cancellationOf(labelled, error);
    if (!cancellation) throw error;
    return cancellation;
  }
}
