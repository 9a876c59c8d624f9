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

export interface CampaignStore {
  get(id: string): Promise<Campaign | undefined>;
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
