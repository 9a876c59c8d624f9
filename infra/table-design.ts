/**
 * The single-table design, shared by the CDK stateful stack and the local runner so both
 * create exactly the same keys and indexes.
 *
 * Item families (pk / sk):
 *   APP#<id>            / APP                 the application (version, status, auditSeq, auditHead)
 *   APP#<id>            / AUDIT#<seq 10 digits>  audit entries, hash-chained
 *   APP#<id>            / DOC#<documentId>    document metadata
 *   DUP#<case>#<person> / DUP                 system-wide duplicate lock (one open or paid application)
 *   IDEMP#<sub>#<key>   / IDEMP               idempotency records (ttl)
 *   COURT#<code>        / COURT               court directory
 *   CAMPAIGN#<id>       / CAMPAIGN            campaigns
 *   CAMPAIGN#<id>       / QUOTA#<highCourt>   quota ledger rows
 *   CAMPAIGN#<id>       / QUOTA#<highCourt>#AUDIT#<seq>  the quota's allocation trail, hash-chained
 *   SEALQ#<shard 00-15> / <chainId>           audit chains changed since their last seal (audit-seal)
 * Indexes:
 *   gsi1: applications by executing court   (gsi1pk = COURT#<code>,   gsi1sk = <createdAt>#<id>)
 *   gsi2: applications by high court        (gsi2pk = HIGH#<code>,    gsi2sk = <createdAt>#<id>)
 *   gsi3: applications by campaign (SPC)    (gsi3pk = CAMPAIGN#<id>,  gsi3sk = <createdAt>#<id>)
 */
export const TABLE_DESIGN = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAtEpoch',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export type IndexName = (typeof TABLE_DESIGN.globalSecondaryIndexes)[number]['indexName'];
