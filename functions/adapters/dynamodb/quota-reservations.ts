import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReservationEntry } from '../../domain/quota.ts';
import { quotaKey, reservationAttr } from './quota-keys.ts';

/**
 * A final approval's reservation as ONE conditional UpdateItem on the holder's quota row, outside the
 * decision's transaction (domain/quota.ts reserveOnRow, which the memory store applies): the amount
 * moves from available to reserved and the entry `rsv#<key>` is added, iff the entry is not there and
 * what is available covers the amount. `held`: the entry was already there (a retry or replay of the
 * same read), nothing moved; `exceeded`: the quota cannot cover it, nothing moved.
 */
export async function reserveEntry(
  doc: DynamoDBDocumentClient,
  tableName: string,
  at: { campaignId: string; highCourtCode: string; key: string },
  entry: ReservationEntry,
): Promise<'reserved' | 'held' | 'exceeded'> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: quotaKey(at.campaignId, at.highCourtCode),
        UpdateExpression:
          'SET availableFen = availableFen - :a, reservedFen = reservedFen + :a, version = version + :one, #e = :entry',
        ConditionExpression: 'attribute_not_exists(#e) AND availableFen >= :a',
        ExpressionAttributeNames: { '#e': reservationAttr(at.key) },
        ExpressionAttributeValues: { ':a': entry.amountFen, ':one': 1, ':entry': entry },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'reserved';
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const old = (error as { Item?: Record<string, unknown> }).Item;
    return old?.[reservationAttr(at.key)] !== undefined ? 'held' : 'exceeded';
  }
}

/**
 * Settles the entry `key` by one UpdateItem conditioned on the entry (domain/quota.ts settleOnRow):
 * `release` gives its amount back, `drop` only removes it. False when the entry is gone already.
 */
export async function settleEntry(
  doc: DynamoDBDocumentClient,
  tableName: string,
  at: { campaignId: string; highCourtCode: string; key: string; amountFen: number },
  how: 'release' | 'drop',
): Promise<boolean> {
  try {
    await doc.send(new UpdateCommand(settleUpdate(tableName, at, how)));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** The update that settles an entry (also a transaction item: the sweep's audited release). */
export function settleUpdate(
  tableName: string,
  at: { campaignId: string; highCourtCode: string; key: string; amountFen: number },
  how: 'release' | 'drop',
  extra: { set?: string[]; condition?: string; values?: Record<string, unknown> } = {},
) {
  const sets = [
    ...(how === 'release' ? ['availableFen = availableFen + :a', 'reservedFen = reservedFen - :a'] : []),
    'version = version + :one',
    ...(extra.set ?? []),
  ];
  return {
    TableName: tableName,
    Key: quotaKey(at.campaignId, at.highCourtCode),
    UpdateExpression: `SET ${sets.join(', ')} REMOVE #e`,
    ConditionExpression: [
      'attribute_exists(#e) AND #e.amountFen = :a',
      ...(how === 'release' ? ['reservedFen >= :a'] : []),
      ...(extra.condition ? [extra.condition] : []),
    ].join(' AND '),
    ExpressionAttributeNames: { '#e': reservationAttr(at.key) },
    ExpressionAttributeValues: { ':a': at.amountFen, ':one': 1, ...(extra.values ?? {}) },
  };
}
