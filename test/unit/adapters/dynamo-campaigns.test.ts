import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CAMPAIGN_CACHE_MS, DynamoCampaignStore } from '../../../functions/adapters/dynamodb/campaigns.ts';
import { CAMPAIGN_2018 } from '../../../functions/domain/campaigns.ts';

/** The container's cache of campaign definitions: every request of a case needs one, they rarely change. */
const ddb = mockClient(DynamoDBDocumentClient);
afterEach(() => {
  ddb.reset();
});

const store = () =>
  new DynamoCampaignStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'relief');

const campaign = structuredClone(CAMPAIGN_2018);
const item = { pk: 'CAMPAIGNS', sk: `CAMPAIGN#${campaign.id}`, entity: 'campaign', version: 2, ...campaign };

describe('DynamoCampaignStore: campaign definitions cached per container', () => {
  it('reads a campaign once for the requests that follow within the cache time, and again after it', async () => {
    ddb.on(GetCommand).resolves({ Item: item });
    const s = store();
    const first = await s.get(campaign.id);
    const second = await s.get(campaign.id);
    expect(second).toEqual(first);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    const realNow = Date.now;
    Date.now = () => realNow() + CAMPAIGN_CACHE_MS + 1;
    try {
      await s.get(campaign.id);
    } finally {
      Date.now = realNow;
    }
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
  });

  it('never answers a consistent read (the SPC’s administration) from the cache, and forgets a campaign it writes', async () => {
    ddb.on(GetCommand).resolves({ Item: item });
    ddb.on(UpdateCommand).resolves({});
    const s = store();
    await s.get(campaign.id);
    await s.get(campaign.id, { consistent: true });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
    await s.put(campaign);
    await s.get(campaign.id);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(3);
  });

  it('hands out copies: a caller changing its campaign does not change the cached one', async () => {
    ddb.on(GetCommand).resolves({ Item: item });
    const s = store();
    const read = await s.get(campaign.id);
    if (read) read.name = 'changed by the reader';
    const cached = await s.get(campaign.id);
    if (cached) cached.name = 'changed by a later reader';
    expect((await s.get(campaign.id))?.name).toBe(campaign.name);
  });
});
