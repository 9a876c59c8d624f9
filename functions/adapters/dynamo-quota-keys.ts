/**
 * The quota rows of a campaign have their own partition (one Query lists them), apart from the campaign's
 * items, so that an IAM grant can tell "may write quotas" from "may write campaigns" by key
 * (dynamodb:LeadingKeys, functions/lib/access.ts). Shared by every writer: the allocation (dynamo-quotas.ts), the
 * decision/payout transaction (dynamo-applications.ts) and the seeding (dynamo-campaigns.ts).
 */
export const QUOTA_PK_PREFIX = 'QUOTA#';
export const quotaKey = (campaignId: string, code: string) => ({
  pk: `${QUOTA_PK_PREFIX}${campaignId}`,
  sk: code,
});
