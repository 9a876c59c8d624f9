import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { nationalTotals } from '../../domain/report.ts';
import type { IdempotentWrite } from '../../ports/idempotency.ts';
import {
  type CounterRow,
  NarrativeVersionConflict,
  ReportAlreadyFrozenError,
  type ReportStore,
  type StoredNarrative,
} from '../../ports/reports.ts';
import { idempotencyPut, replayOf } from './idempotency.ts';
import { queryAll } from './query.ts';

export { type CounterRow, ReportAlreadyFrozenError } from '../../ports/reports.ts';

/**
 * Reads the report counters: one row per high court (a fixed number of items per campaign, whatever
 * the number of applications); the campaign's national figures are derived from them (no total row).
 */
export class DynamoReportStore implements ReportStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async counters(campaignId: string): Promise<{ byHighCourt: Map<string, CounterRow>; total: CounterRow }> {
    const byHighCourt = new Map<string, CounterRow>();
    // 32 rows, but each grows a counter per category: follow the pages rather than trust the 1 MB.
    for (const item of await this.queryAll(`REPORT#${campaignId}`, 'HIGH#'))
      byHighCourt.set(String(item.sk).slice('HIGH#'.length), numbers(item));
    return { byHighCourt, total: nationalTotals(byHighCourt.values()) };
  }

  /** The court rows (`COURT#<high>#<court>`, one per court with activity): one query, paged. */
  async courtCounters(
    campaignId: string,
    highCourtCode?: string,
  ): Promise<Map<string, Map<string, CounterRow>>> {
    const out = new Map<string, Map<string, CounterRow>>();
    const items = await this.queryAll(
      `REPORT#${campaignId}`,
      `COURT#${highCourtCode === undefined ? '' : `${highCourtCode}#`}`,
    );
    for (const item of items) {
      const [high, court] = String(item.sk).slice('COURT#'.length).split('#') as [string, string];
      const rows = out.get(high) ?? new Map<string, CounterRow>();
      rows.set(court, numbers(item));
      out.set(high, rows);
    }
    return out;
  }

  async narratives(campaignId: string, highCourtCode?: string): Promise<Map<string, StoredNarrative>> {
    const out = new Map<string, StoredNarrative>();
    const items = await this.queryAll(
      `REPORT#${campaignId}`,
      `NARRATIVE#${highCourtCode === undefined ? '' : highCourtCode}`,
    );
    for (const item of items) {
      if (item.entity !== 'report-narrative') continue; // the versions kept (…#v<n>) are records, not heads
      const { pk: _p, sk: _s, entity: _e, ...rest } = item;
      const narrative = rest as unknown as StoredNarrative;
      // begins_with: NARRATIVE#XJ also matches NARRATIVE#XJBT
      if (highCourtCode === undefined || narrative.highCourtCode === highCourtCode)
        out.set(narrative.highCourtCode, narrative);
    }
    return out;
  }

  /**
   * One transaction: the head item (`NARRATIVE#<high>`, conditioned on the version read), the version
   * kept as its own record (`NARRATIVE#<high>#v<n>`), a check that the report is not frozen, the key.
   */
  async putNarrative(
    narrative: StoredNarrative,
    idempotency?: IdempotentWrite<StoredNarrative>,
  ): Promise<void> {
    const pk = `REPORT#${narrative.campaignId}`;
    const sk = `NARRATIVE#${narrative.highCourtCode}`;
    const items = [
      {
        Put: {
          TableName: this.tableName,
          Item: { pk, sk, entity: 'report-narrative', ...narrative },
          ConditionExpression: narrative.version === 1 ? 'attribute_not_exists(pk)' : 'version = :previous',
          ...(narrative.version === 1
            ? {}
            : { ExpressionAttributeValues: { ':previous': narrative.version - 1 } }),
        },
      },
      {
        ConditionCheck: {
          TableName: this.tableName,
          Key: { pk, sk: `FROZEN#${narrative.highCourtCode}` },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk,
            sk: `${sk}#v${String(narrative.version).padStart(6, '0')}`,
            entity: 'report-narrative-version',
            ...narrative,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(idempotency ? [idempotencyPut(this.tableName, idempotency, narrative, this.now())] : []),
    ];
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string; Item?: unknown }[] })
        .CancellationReasons;
      if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
      if (idempotency && reasons[3]?.Code === 'ConditionalCheckFailed') {
        const replay = await replayOf(
          this.doc,
          this.tableName,
          idempotency,
          reasons[3].Item as Record<string, unknown> | undefined,
        );
        if (replay) throw replay;
      }
      if (reasons[1]?.Code === 'ConditionalCheckFailed')
        throw new ReportAlreadyFrozenError('Already frozen.');
      if (reasons[0]?.Code === 'ConditionalCheckFailed' || reasons[2]?.Code === 'ConditionalCheckFailed')
        throw new NarrativeVersionConflict('The narrative changed.');
      throw error;
    }
  }

  private queryAll(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
      ConsistentRead: true,
    });
  }

  async getFrozen(campaignId: string, highCourtCode: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `REPORT#${campaignId}`, sk: `FROZEN#${highCourtCode}` },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { pk: _p, sk: _s, entity: _e, ...rest } = out.Item;
    return rest;
  }

  /** Stores a frozen copy once; it never changes afterwards. With `idempotency`, the key goes in the same transaction. */
  async freeze<T extends Record<string, unknown>>(
    campaignId: string,
    highCourtCode: string,
    frozen: T,
    idempotency?: IdempotentWrite<T>,
  ): Promise<void> {
    const put = {
      TableName: this.tableName,
      Item: {
        pk: `REPORT#${campaignId}`,
        sk: `FROZEN#${highCourtCode}`,
        entity: 'frozen-report',
        ...frozen,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    if (idempotency) {
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [{ Put: put }, idempotencyPut(this.tableName, idempotency, frozen, this.now())],
          }),
        );
      } catch (error) {
        const reasons = (error as { CancellationReasons?: { Code?: string; Item?: unknown }[] })
          .CancellationReasons;
        if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
        if (reasons[1]?.Code === 'ConditionalCheckFailed') {
          const replay = await replayOf(
            this.doc,
            this.tableName,
            idempotency,
            reasons[1].Item as Record<string, unknown> | undefined,
          );
          if (replay) throw replay;
        }
        if (reasons[0]?.Code === 'ConditionalCheckFailed')
          throw new ReportAlreadyFrozenError('Already frozen.');
        throw error;
      }
      return;
    }
    try {
      await this.doc.send(new PutCommand(put));
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException')
        throw new ReportAlreadyFrozenError('Already frozen.');
      throw error;
    }
  }
}

function numbers(item: Record<string, unknown>): CounterRow {
  const row: CounterRow = {};
  for (const [k, v] of Object.entries(item)) if (typeof v === 'number') row[k] = v;
  return row;
}
