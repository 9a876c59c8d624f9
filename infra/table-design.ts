/**
 * The single-table design, shared by the CDK stateful stack and the local runner so both
 * create exactly the same keys and indexes.
 *
 * Item families (pk / sk):
 *   APP#<id>            / APP                 the application (version, status, auditSeq, auditHead, docsVersion;
 *                       materialsClosing: a submission's mark while it reads the materials, no part of the record)
 *   APP#<id>            / AUDIT#<seq 10 digits>  audit entries, hash-chained
 *   APP#<id>            / DOC#<documentId>    document metadata, with the head of its own audit chain (auditSeq, auditHead)
 *   APP#<id>            / DOC#~<type>         a material slot of earlier versions: may stay, nothing reads or writes it
 *   APP#<id>            / DOCAUDIT#<documentId>#<seq 10 digits>  a document's audit entries, hash-chained
 *   APP#<id>            / OUTBOX#<kind>#<seq>[#<level>]  follow-up work of a transaction, until done
 *   REPORT#<campaign>   / HIGH#<highCourt>    report counters of one high court (no campaign-total row:
 *                       national figures are summed at read time, functions/domain/report.ts)
 *   REPORT#<campaign>   / MARK#…              distinct-case / distinct-person markers
 *   DUP#<case>#<person> / DUP                 system-wide duplicate lock (one open or paid application)
 *   IDEMP#<sub>#<key>   / IDEMP               idempotency records (ttl)
 *   COURT#<code>        / COURT               court directory
 *   CAMPAIGN#<id>       / CAMPAIGN            campaigns
 *   QUOTA#<campaign>    / <highCourt>         quota ledger rows (auditSeq, auditHead); own partition, so grants
 *                       tell quota writers from campaign writers by key (dynamodb:LeadingKeys)
 *   QUOTA_AUDIT#<id>#<highCourt> / AUDIT#<seq 10 digits>  a quota's allocation trail, hash-chained (own
 *                       partition, so reallocations never push quota rows past a 1 MB query page)
 *   SEALQ#<shard 00-15> / <chainId>           audit chains changed since their last seal (audit-seal)
 * Indexes:
 *   gsi1: applications by executing court   (gsi1pk = COURT#<code>,   gsi1sk = <createdAt>#<id>)
 *   gsi2: applications by high court        (gsi2pk = HIGH#<code>,    gsi2sk = <createdAt>#<id>)
 *   gsi3: applications by campaign (SPC)    (gsi3pk = CAMPAIGN#<id>,  gsi3sk = <createdAt>#<id>)
 *   gsi4: work in flight, sparse and sharded, for the re-drive sweep (functions/usecases/redrive.ts):
 *         applications in pending_approval / awaiting_payout (gsi4pk = INFLIGHT#<shard>, gsi4sk = <updatedAt>#<id>)
 *         documents still pending (gsi4pk = UPLOAD#<shard>, gsi4sk = <createdAt>#<appId>#<documentId>)
 *         and outbox items (gsi4pk = OUTBOX#<shard of appId>, gsi4sk = <dueAt>#<appId>#<outboxId>; a failed
 *         delivery moves its item later, so it never blocks the items behind it);
 *         the attributes exist only while the item is in flight, so the index holds nothing else;
 *         <shard> is a hash of the id over IN_FLIGHT_SHARDS (functions/adapters/dynamodb/applications.ts).
 *   gsi5: the approver's queue, sparse: applications pending_approval at a court (gsi5pk = PENDING#<court>,
 *         gsi5sk = <waitingSince>#<id>, oldest first); the attributes exist only while the application
 *         waits at that court (set with every write of the item, gone once it moves on).
 *   gsi1-3, gsi5 and due project only what the list queries filter on (LIST_INDEX_ATTRIBUTES: INCLUDE);
 *         a list page reads the keys and those attributes from the index, then the page's items in one
 *         BatchGetItem (functions/adapters/dynamodb/applications.ts list, listDue). So a change of the
 *         application writes these indexes only when its status changes (a few hundred bytes), not its
 *         whole item again (DynamoDB Local reports a transaction's index writes at twice their size, as the item's).
 *   gsi4 projects the outbox items' attributes (OUTBOX_INDEX_ATTRIBUTES); the in-flight and pending-upload
 *         sweeps read their page's items from the table (BatchGetItem), so a decision or a task token no
 *         longer writes the whole application into gsi4 as well.
 *   due:  relief-closed applications by the date their next asset check is due, sparse (only while status
 *         is closed and a check is scheduled): duepk = DUE#<highCourt>, duesk = <nextDue YYYY-MM-DD>#<court>#<id>
 *         (GET /monitoring/due, and the hourly overdue sweep up to yesterday; functions/usecases/monitoring.ts).
 */
/** What the application lists filter on (status, campaign, executing court, jurisdiction): gsi1-3 hold these. */
export const LIST_INDEX_ATTRIBUTES = ['status', 'campaignId', 'courtCode', 'ancestors'] as const;

export type IndexProjection =
  | { readonly type: 'ALL' }
  | { readonly type: 'INCLUDE'; readonly nonKeyAttributes: readonly string[] };

/**
 * What the outbox readers (reconcile) take from gsi4: the whole outbox item, which is small. An
 * application or document on gsi4 (in flight, pending upload) projects only the few of these it has
 * (createdAt, level…); its sweep reads the items themselves (BatchGetItem).
 */
export const OUTBOX_INDEX_ATTRIBUTES = [
  'entity',
  'kind',
  'applicationId',
  'submissionSeq',
  'level',
  'outcome',
  'createdAt',
  'handoff',
  'attempts',
  'dueAt',
  'correlationId',
] as const;

const LIST: IndexProjection = { type: 'INCLUDE', nonKeyAttributes: LIST_INDEX_ATTRIBUTES };
const OUTBOX: IndexProjection = { type: 'INCLUDE', nonKeyAttributes: OUTBOX_INDEX_ATTRIBUTES };

export const TABLE_DESIGN = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAtEpoch',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: LIST },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: LIST },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: LIST },
    { indexName: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', projection: OUTBOX },
    { indexName: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: LIST },
    { indexName: 'due', partitionKey: 'duepk', sortKey: 'duesk', projection: LIST },
  ],
} as const;

/** An index's projection as the DynamoDB API spells it (CreateTable, UpdateTable, DescribeTable). */
export function projectionOf(projection: IndexProjection): {
  ProjectionType: 'ALL' | 'INCLUDE';
  NonKeyAttributes?: string[];
} {
  return projection.type === 'ALL'
    ? { ProjectionType: 'ALL' }
    : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.nonKeyAttributes] };
}

export type IndexName = (typeof TABLE_DESIGN.globalSecondaryIndexes)[number]['indexName'];
