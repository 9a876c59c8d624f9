import type { Campaign } from '../domain/campaigns.ts';
import type { QuotaRow } from '../domain/quota.ts';
import type { AuditEntry, AuditInput } from './applications.ts';
import type { IdempotentWrite } from './idempotency.ts';

/** A quota as the campaign store returns it: the row without its audit chain head. */
export type QuotaRecord = Omit<QuotaRow, 'auditSeq' | 'auditHead'>;

/** A campaign as stored: its definition plus the head of its change trail. */
export type StoredCampaign = Campaign & { auditSeq?: number; auditHead?: string; updatedAt?: string };

/** The largest claims (申请标的金额) of a campaign's approved applications, and how many approvals. */
export interface ApprovedHighWater {
  /** Largest approved claim, special circumstances included: the special limit may not go below it. */
  anyClaimFen: number;
  /** Largest approved claim without a special circumstance: the standard limit may not go below it. */
  standardClaimFen: number;
  /** The approvals counted, per counter item (one per high court): a limit change is conditioned on them all. */
  approvals: Readonly<Record<string, number>>;
}

export interface CampaignStore {
  get(id: string, opts?: { consistent?: boolean }): Promise<Campaign | undefined>;
  list(): Promise<Campaign[]>;
  /**
   * The definitions this container already holds, without a request (a store that caches: those read
   * within its cache time). What a use case may assume before its write checks it (an upload grant).
   */
  known?(): Campaign[];
}

/** The campaign id is taken, or (update) the stored campaign or its approvals changed since read. */
export class CampaignWriteConflictError extends Error {
  override name = 'CampaignWriteConflictError';
  constructor(readonly reason: 'exists' | 'changed') {
    super(
      reason === 'exists' ? 'A campaign with this id exists.' : 'The campaign changed since it was read.',
    );
  }
}

/**
 * The SPC's campaign administration: audited creates and updates (usecases/create-campaign.ts,
 * patch-campaign.ts).
 */
export interface CampaignAdminStore {
  get(id: string, opts?: { consistent?: boolean }): Promise<StoredCampaign | undefined>;
  approvedHighWater(campaignId: string): Promise<ApprovedHighWater>;
  /** Version 1 with the first trail entry, in one transaction; a taken id is CampaignWriteConflictError('exists'). */
  create(
    campaign: Campaign,
    audit: AuditInput,
    at: string,
    idempotency?: IdempotentWrite<StoredCampaign>,
  ): Promise<StoredCampaign>;
  /** Replaces `current` iff neither it nor its approvals counter changed since read, else CampaignWriteConflictError('changed'). */
  update(
    current: StoredCampaign,
    next: Campaign,
    audit: AuditInput,
    at: string,
    approvalsSeen: Readonly<Record<string, number>>,
    idempotency?: IdempotentWrite<StoredCampaign>,
  ): Promise<StoredCampaign>;
  /** The change trail, oldest first. */
  listAudit(campaignId: string): Promise<AuditEntry[]>;
}

/** What a check-only task needs of the documents bucket: the stored object's real size and SHA-256. */
export type ObjectInspector = Pick<DocumentStorage, 'inspect'>;

export interface DocumentStorage {
  presignUpload(input: {
    key: string;
    contentType: string;
    sizeBytes: number;
    sha256Hex: string;
  }): Promise<{ method: 'PUT'; url: string; headers: Record<string, string>; expiresAt: string }>;
  presignDownload(key: string): Promise<{ url: string; expiresAt: string }>;
  /** Reads the stored object and returns its real size and SHA-256 (hex), or undefined if it is absent. */
  inspect(
    key: string,
  ): Promise<{ sizeBytes: number; sha256Hex: string; contentType: string | undefined } | undefined>;
}
