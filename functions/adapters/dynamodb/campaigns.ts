import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { GENESIS_HASH, sealEntry } from '../../domain/audit-chain.ts';
import type { Campaign } from '../../domain/campaigns.ts';
import { QUOTA_HOLDERS as QUOTA_HOLDER_CODES } from '../../domain/provinces.ts';
import type { AuditEntry, AuditInput } from '../../ports/applications.ts';
import {
  type ApprovedHighWater,
  type CampaignAdminStore,
  type CampaignStore,
  CampaignWriteConflictError,
  type QuotaRecord,
  type StoredCampaign,
} from '../../ports/campaigns.ts';
import type { IdempotentWrite } from '../../ports/idempotency.ts';
import { campaignChainId, sealPendingPut } from './audit-chains.ts';
import { idempotencyPut, replayOf } from './idempotency.ts';
import { queryAll } from './query.ts';
import { quotaKey } from './quota-keys.ts';
import { type Labelled, writeLabelled } from './transaction.ts';

const CAMPAIGNS_PK = 'CAMPAIGNS';
const campaignKey = (id: string) => ({ pk: CAMPAIGNS_PK, sk: `CAMPAIGN#${id}` });
/** A campaign's change trail (活动设置留痕), its own partition. */
const auditKey = (id: string, seq: number) => ({
  pk: `CAMPAIGN_AUDIT#${id}`,
  sk: `AUDIT#${String(seq).padStart(10, '0')}`,
});
/**
 * The approvals high-water mark of a campaign: the high court's final approval writes, in its own
 * transaction, one marker per approved claim amount and high court (STANDARD# when no special
 * circumstance was claimed, SPECIAL# when one was) and bumps its high court's counter, so the largest
 * approved claim is a Query per kind (newest sort key first), never a scan, and a limit change that
 * raced an approval fails its condition on that counter. One mark, not two: DynamoDB Local runs
 * transactions one after another and each costs by its items, so approvals/s under contention is
 * bounded by the final approval's item count. Marks of before (ANY# on every approval, with a
 * STANDARD# twin when standard) are still honoured: an ANY# counts as any approved claim, and a
 * standard one of before already has its STANDARD# twin. Per high court, so that no item is written
 * by more than one high court's approvals (on AWS, concurrent transactions on one item cancel each
 * other): a final approval writes only items its high court's traffic shares (its quota row, its
 * report rows, these).
 */
export const approvalsPk = (campaignId: string) => `CAMPAIGN_APPROVALS#${campaignId}`;
/** The kinds of mark a final approval writes now. */
export type ApprovalMarkKind = 'STANDARD' | 'SPECIAL';
/** The kinds read back: ANY# is the mark of before (written by every approval), read only. */
type StoredMarkKind = ApprovalMarkKind | 'ANY';
export const approvalMarkSk = (kind: ApprovalMarkKind, claimFen: number, highCourtCode: string) =>
  `${kind}#${String(claimFen).padStart(15, '0')}#${highCourtCode}`;
/** The claim of a mark (written before marks had a high court, `ANY#<claim>`, too). */
const markClaimFen = (kind: StoredMarkKind, sk: string) =>
  Number(sk.slice(kind.length + 1, kind.length + 16));
/** A high court's approvals counter; `COUNTER` alone is the campaign-wide one of before (still honoured). */
export const approvalsCounterSk = (highCourtCode: string) => `COUNTER#${highCourtCode}`;
const LEGACY_COUNTER_SK = 'COUNTER';

export { CampaignWriteConflictError } from '../../ports/campaigns.ts';

/** How long a container trusts a campaign definition it read (see DynamoCampaignStore.cache). */
export const CAMPAIGN_CACHE_MS = 30_000;

const DEFINITION_FIELDS = [
  'id',
  'name',
  'preparation',
  'handling',
  'reportDue',
  'standardLimitFen',
  'specialLimitFen',
  'requireDebtor',
  'requireTerminationChecklist',
  'assetCheckIntervalMonths',
  'assetCheckYears',
  'rulingLegalBasis',
] as const;

/**
 * Campaigns are data (domain.md): stored in the table, one item each, plus a catalogue partition so
 * they can be listed without a scan. A later campaign is an item, not a code change.
 */
export class DynamoCampaignStore implements CampaignStore, CampaignAdminStore {
  /**
   * Definitions read by this container, kept for CAMPAIGN_CACHE_MS: every request of a case needs its
   * campaign, and a campaign changes a few times a year. A consistent read (the SPC's administration)
   * bypasses and refreshes it, and this container's own writes drop it; other containers see a change
   * within CAMPAIGN_CACHE_MS (docs/scale.md).
   */
  private readonly cache = new Map<string, { value: StoredCampaign; at: number }>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string, opts: { consistent?: boolean } = {}): Promise<StoredCampaign | undefined> {
    const hit = opts.consistent ? undefined : this.cache.get(id);
    if (hit && Date.now() - hit.at < CAMPAIGN_CACHE_MS) return structuredClone(hit.value);
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: campaignKey(id),
        ...(opts.consistent ? { ConsistentRead: true } : {}),
      }),
    );
    if (!out.Item) {
      this.cache.delete(id);
      return undefined;
    }
    const value = toStored(out.Item);
    this.cache.set(id, { value: structuredClone(value), at: Date.now() });
    return value;
  }

  known(): Campaign[] {
    const now = Date.now();
    return [...this.cache.values()]
      .filter((hit) => now - hit.at < CAMPAIGN_CACHE_MS)
      .map((hit) => structuredClone(hit.value));
  }

  async list(): Promise<Campaign[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': CAMPAIGNS_PK, ':p': 'CAMPAIGN#' },
    });
    return items.map(toCampaign).sort((a, b) => a.handling.start.localeCompare(b.handling.start));
  }

  /**
   * Seeding: writes the campaign's definition as given (idempotent), keeping its version and audit head,
   * so a restart that refreshes a seeded campaign never breaks the trail of changes made through the API.
   */
  async put(campaign: Campaign): Promise<void> {
    this.cache.delete(campaign.id);
    const fields = DEFINITION_FIELDS.filter((f) => f !== 'id' && campaign[f] !== undefined);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: campaignKey(campaign.id),
        UpdateExpression: `SET #entity = :entity, #id = :id, ${fields.map((f) => `#${f} = :${f}`).join(', ')}`,
        ExpressionAttributeNames: {
          '#entity': 'entity',
          '#id': 'id',
          ...Object.fromEntries(fields.map((f) => [`#${f}`, f])),
        },
        ExpressionAttributeValues: {
          ':entity': 'campaign',
          ':id': campaign.id,
          ...Object.fromEntries(fields.map((f) => [`:${f}`, campaign[f]])),
        },
      }),
    );
    this.cache.delete(campaign.id);
  }

  /** The largest approved claims of a campaign and its approvals counters (see `approvalsPk`). */
  async approvedHighWater(campaignId: string): Promise<ApprovedHighWater> {
    const top = async (kind: StoredMarkKind) => {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': approvalsPk(campaignId), ':p': `${kind}#` },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const sk = out.Items?.[0]?.sk as string | undefined;
      return sk ? markClaimFen(kind, sk) : 0;
    };
    const counters = async () => {
      const approvals: Record<string, number> = {};
      const items = await queryAll(this.doc, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': approvalsPk(campaignId), ':p': LEGACY_COUNTER_SK },
        ProjectionExpression: 'sk, approvals',
        ConsistentRead: true,
      });
      for (const item of items) approvals[String(item.sk)] = Number(item.approvals ?? 0);
      return approvals;
    };
    const [legacyFen, standardClaimFen, specialFen, approvals] = await Promise.all([
      top('ANY'),
      top('STANDARD'),
      top('SPECIAL'),
      counters(),
    ]);
    const anyClaimFen = Math.max(legacyFen, standardClaimFen, specialFen);
    return { anyClaimFen, standardClaimFen, approvals };
  }

  /**
   * Creates a campaign (version 1) with the first entry of its trail, in one transaction; a taken id is
   * CampaignWriteConflictError('exists'). With `idempotency`, the key's response is recorded with it.
   */
  async create(
    campaign: Campaign,
    audit: AuditInput,
    at: string,
    idempotency?: IdempotentWrite<StoredCampaign>,
  ): Promise<StoredCampaign> {
    try {
      return await this.write(undefined, campaign, audit, at, undefined, idempotency);
    } finally {
      this.cache.delete(campaign.id);
    }
  }

  /**
   * Replaces `current` by `next` (version + 1) with an audit entry, iff neither the campaign nor its
   * approvals counter (`approvalsSeen`) changed since they were read; else CampaignWriteConflictError('changed').
   */
  async update(
    current: StoredCampaign,
    next: Campaign,
    audit: AuditInput,
    at: string,
    approvalsSeen: Readonly<Record<string, number>>,
    idempotency?: IdempotentWrite<StoredCampaign>,
  ): Promise<StoredCampaign> {
    try {
      return await this.write(current, next, audit, at, approvalsSeen, idempotency);
    } finally {
      this.cache.delete(next.id);
    }
  }

  private async write(
    current: StoredCampaign | undefined,
    next: Campaign,
    audit: AuditInput,
    at: string,
    approvalsSeen: Readonly<Record<string, number>> | undefined,
    idempotency?: IdempotentWrite<StoredCampaign>,
  ): Promise<StoredCampaign> {
    const seq = (current?.auditSeq ?? 0) + 1;
    const entry: AuditEntry = sealEntry(
      {
        seq,
        at,
        actor: { sub: audit.actor.sub, court: audit.actor.court, roles: [...audit.actor.roles] },
        action: audit.action,
        fromStatus: null,
        toStatus: null,
        detail: audit.detail,
      },
      current?.auditHead ?? GENESIS_HASH,
    );
    const definition = Object.fromEntries(
      DEFINITION_FIELDS.filter((f) => next[f] !== undefined).map((f) => [f, next[f]]),
    ) as unknown as Campaign;
    const stored: StoredCampaign = {
      ...definition,
      version: (current?.version ?? 0) + 1,
      auditSeq: seq,
      auditHead: entry.hash,
      updatedAt: at,
    };
    const condition = !current
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : current.version === undefined
        ? { ConditionExpression: 'attribute_not_exists(version) AND attribute_not_exists(auditSeq)' }
        : {
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': current.version },
          };
    const items: Labelled[] = [
      [
        'campaign',
        {
          Put: {
            TableName: this.tableName,
            Item: { ...campaignKey(next.id), entity: 'campaign', ...stored },
            ...condition,
          },
        },
      ],
      [
        'audit',
        {
          Put: {
            TableName: this.tableName,
            Item: { ...auditKey(next.id, seq), entity: 'campaign-audit', ...entry },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    ];
    if (approvalsSeen !== undefined) {
      // Every high court's counter as it was read (one that was not there must still not be): an
      // approval anywhere in between cancels this write.
      const sks = new Set([...QUOTA_HOLDER_CODES.map(approvalsCounterSk), ...Object.keys(approvalsSeen)]);
      for (const sk of sks) {
        const seen = approvalsSeen[sk];
        items.push([
          'approvals',
          {
            ConditionCheck: {
              TableName: this.tableName,
              Key: { pk: approvalsPk(next.id), sk },
              ConditionExpression: seen === undefined ? 'attribute_not_exists(pk)' : 'approvals = :n',
              ...(seen === undefined ? {} : { ExpressionAttributeValues: { ':n': seen } }),
            },
          },
        ]);
      }
    }
    if (idempotency)
      items.push(['idempotency', idempotencyPut(this.tableName, idempotency, stored, new Date(at))]);
    items.push(['seal', sealPendingPut(this.tableName, campaignChainId(next.id), seq, at)]);
    const cancelled = await writeLabelled(this.doc, items);
    if (!cancelled) return stored;
    if (idempotency && cancelled.failed.has('idempotency')) {
      const replay = await replayOf(this.doc, this.tableName, idempotency, cancelled.itemOf('idempotency'));
      if (replay) throw replay;
    }
    throw new CampaignWriteConflictError(current ? 'changed' : 'exists');
  }

  /** The change trail, oldest first. */
  async listAudit(campaignId: string): Promise<AuditEntry[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': auditKey(campaignId, 0).pk, ':p': 'AUDIT#' },
      ConsistentRead: true,
    });
    return items
      .map(({ pk: _pk, sk: _sk, entity: _e, ...rest }) => rest as unknown as AuditEntry)
      .sort((a, b) => a.seq - b.seq);
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
          Item: { ...quotaKey(campaignId, highCourtCode), entity: 'quota', ...quota },
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

function toStored(item: Record<string, unknown>): StoredCampaign {
  return {
    ...toCampaign(item),
    ...(typeof item.auditSeq === 'number' ? { auditSeq: item.auditSeq } : {}),
    ...(typeof item.auditHead === 'string' ? { auditHead: item.auditHead } : {}),
    ...(typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
  };
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
    ...pick(item, 'requireDebtor', 'boolean'),
    ...pick(item, 'requireTerminationChecklist', 'boolean'),
    ...pick(item, 'assetCheckIntervalMonths', 'number'),
    ...pick(item, 'assetCheckYears', 'number'),
    ...(item.rulingLegalBasis
      ? { rulingLegalBasis: item.rulingLegalBasis as Campaign['rulingLegalBasis'] }
      : {}),
    ...pick(item, 'version', 'number'),
  };
}

function pick(item: Record<string, unknown>, name: string, type: 'boolean' | 'number') {
  return typeof item[name] === type ? { [name]: item[name] } : {};
}
