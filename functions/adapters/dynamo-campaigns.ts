import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Campaign } from '../domain/campaigns.ts';
import type { CampaignStore, QuotaRecord } from '../ports/campaigns.ts';

const CAMPAIGNS_PK = 'CAMPAIGNS';

/**
 * Campaigns are data (domain.md): stored in the table, one item each, plus a catalogue partition so
 * they can be listed without a scan. A later campaign is an item, not a code change.
 */
export class DynamoCampaignStore implements CampaignStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Campaign | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: CAMPAIGNS_PK, sk: `CAMPAIGN#${id}` } }),
    );
    return out.Item ? toCampaign(out.Item) : undefined;
  }

  async list(): Promise<Campaign[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': CAMPAIGNS_PK, ':p': 'CAMPAIGN#' },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      start = out.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (start);
    return items.map(toCampaign).sort((a, b) => a.handling.start.localeCompare(b.handling.start));
  }

  /** Seeding and administration: writes the campaign as given (idempotent). */
  async put(campaign: Campaign): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: CAMPAIGNS_PK, sk: `CAMPAIGN#${campaign.id}`, entity: 'campaign', ...campaign },
      }),
    );
  }

  /** Seeds a quota row only if none exists, so a restart never resets what was reserved or paid. */
  async seedQuota(
    campaignId: string,
    highCourtCode: string,
    allocatedFen: number,
    at: string,
  ): Promise<boolean> {
    const quota: QuotaRecord = {
      campaignId,
      highCourtCode,
      allocatedFen,
      reservedFen: 0,
      disbursedFen: 0,
      availableFen: allocatedFen,
      version: 1,
      updatedAt: at,
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `CAMPAIGN#${campaignId}`, sk: `QUOTA#${highCourtCode}`, entity: 'quota', ...quota },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

function toCampaign(item: Record<string, unknown>): Campaign {
  return {
    id: item.id as string,
    name: item.name as string,
    preparation: item.preparation as Campaign['preparation'],
    handling: item.handling as Campaign['handling'],
    reportDue: item.reportDue as string,
    standardLimitFen: item.standardLimitFen as number,
    specialLimitFen: item.specialLimitFen as number,
  };
}
