/** The chains the sealer knows (adapters/dynamo-audit-chains.ts): campaigns and the court registry too. */
import { describe, expect, it } from 'vitest';
import {
  COURTS_CHAIN_ID,
  campaignChainId,
  chainIdOfItem,
  chainKeys,
} from '../../../functions/adapters/dynamo-audit-chains.ts';

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
    // The quota chains are unchanged.
    expect(chainIdOfItem({ pk: 'CAMPAIGN#demo', sk: 'QUOTA#BJ', auditSeq: 1 })).toBe('quota/demo/BJ');
  });
});
