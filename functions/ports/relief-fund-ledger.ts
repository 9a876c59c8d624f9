/** One credit of the relief-fund ledger, written with the recovery that caused it. */
export interface FundEntry {
  campaignId: string;
  applicationId: string;
  courtCode: string;
  highCourtCode: string;
  amountFen: number;
  reference: string;
  receivedAt: string;
  recordedAt: string;
}

/** The relief fund's credits (recovered money), written with the recovery (UpdateOptions.fundCredit). */
export interface ReliefFundLedger {
  /** The relief fund ledger (recovered money) of a campaign. */
  getFund(campaignId: string): Promise<{ recoveredFen: number; entries: number }>;
  /** Every credit of the campaign's relief-fund ledger, oldest first (one partition, never a scan). */
  listFundEntries(campaignId: string): Promise<FundEntry[]>;
}
