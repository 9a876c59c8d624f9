/** The chains the sealer knows (adapters/dynamodb/audit-chains.ts): campaigns and the court registry too. */
import { describe, expect, it } from 'vitest';
import {
  COURTS_CHAIN_ID,
  campaignChainId,
  chainIdOfItem,
  chainKeys,
} from '../../../functions/adapters/dynamodb/audit-chains.ts';

describe('campaign and court chains', () => {
  it('maps campaign/<id> and courts to their entries and head rows', () => {
    expect(chainKeys(campaignChainId('demo-2025'))).toEqual({
      pk: 'CAMPAIGNS',
      headSk: 'CAMPAIGN#demo-2025',
      entries: [{ pk: 'CAMPAIGN_AUDIT#demo-2025', prefix: 'AUDIT#' }],
    });
    expect(chainKeys(COURTS_CHAIN_ID)).toEqual({
      pk: 'COURTS',
      headSk: 'REGISTRY',
      entries: [{ pk: 'COURTS#AUDIT', prefix: 'AUDIT#' }],
    });
    expect(chainKeys('campaign/')).toBeUndefined();
  });

  it('finds them in a scan from their head rows once they have a trail (not the seeded rows)', () => {
    expect(chainIdOfItem({ pk: 'CAMPAIGNS', sk: 'CAMPAIGN#c1', auditSeq: 2 })).toBe('campaign/c1');
    expect(chainIdOfItem({ pk: 'CAMPAIGNS', sk: 'CAMPAIGN#demo' })).toBeUndefined();
    expect(chainIdOfItem({ pk: 'COURTS', sk: 'REGISTRY', auditSeq: 1 })).toBe('courts');
    expect(chainIdOfItem({ pk: 'COURTS', sk: 'REGISTRY', auditSeq: 0 })).toBeUndefined();
    // A quota's head row lives in the quota partition (QUOTA#<campaign> / <high court>), its trail apart.
    expect(chainIdOfItem({ pk: 'QUOTA#demo', sk: 'BJ', auditSeq: 1 })).toBe('quota/demo/BJ');
    expect(chainIdOfItem({ pk: 'QUOTA_AUDIT#demo#BJ', sk: 'AUDIT#0000000001' })).toBe('quota/demo/BJ');
    expect(chainIdOfItem({ pk: 'CAMPAIGN#demo', sk: 'QUOTA#BJ', auditSeq: 1 })).toBeUndefined();
    expect(chainKeys('quota/demo/BJ')).toEqual({
      pk: 'QUOTA#demo',
      headSk: 'BJ',
      entries: [{ pk: 'QUOTA_AUDIT#demo#BJ', prefix: 'AUDIT#' }],
    });
  });
});
