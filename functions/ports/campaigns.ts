import type { Campaign } from '../domain/campaigns.ts';

export interface QuotaRecord {
  campaignId: string;
  highCourtCode: string;
  allocatedFen: number;
  reservedFen: number;
  disbursedFen: number;
  /** allocated − reserved − disbursed, kept as its own counter so conditions need no arithmetic. */
  availableFen: number;
  version: number;
  updatedAt: string;
}

/** A campaign as stored: its definition plus the head of its change trail. */
export type StoredCampaign = Campaign & { auditSeq?: number; auditHead?: string; updatedAt?: string };

/** The largest claims (申请标的金额) of a campaign's approved applications, and how many approvals. */
export interface ApprovedHighWater {
  /** Largest approved claim, special circumstances included: the special limit may not go below it. */
  anyClaimFen: number;
  /** Largest approved claim without a special circumstance: the standard limit may not go below it. */
  standardClaimFen: number;
  approvals: number;
}

export interface CampaignStore {
  get(id: string, opts?: { consistent?: boolean }): Promise<Campaign | undefined>;
  list(): Promise<Campaign[]>;
}

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
