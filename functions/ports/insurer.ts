/** The insurer's package endpoint, as the disbursement use case needs it. */
export interface InsurerPackage {
  packageId: string;
  applicationId: string;
  campaignId: string;
  caseNumber: string;
  category: string;
  reliefAmountFen: number;
  applicant: { name: string; idType: string; idNumber: string; phone?: string };
  bankAccount: { bankName: string; holderName: string; holderIdNumber: string; accountNumber: string };
  approvals: {
    level: number;
    court: string;
    decision: string;
    comment: string;
    decidedBy: string;
    decidedAt: string;
  }[];
  approvalForm: { reviewOpinion: string; reviewedBy: string } | null;
  documents: {
    type: string;
    sha256: string;
    url: string;
    urlExpiresAt: string;
    contentType: string;
    sizeBytes: number;
  }[];
}

export class InsurerUnavailableError extends Error {
  override name = 'InsurerUnavailable';
}

export interface InsurerClient {
  /** Sends a signed package; throws InsurerUnavailableError when the insurer does not answer 2xx. */
  send(pkg: InsurerPackage): Promise<void>;
}
