import { canonicalIdNumber } from '../domain/id-number.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import { logger } from '../lib/logger.ts';
import {
  type ApplicationRecord,
  DOCUMENT_TYPES,
  type DocumentRecord,
  type EvidenceDocument,
  type IntegrityHold,
} from '../ports/applications.ts';
import type { DocumentStorage } from '../ports/campaigns.ts';
import type { InsurerClient, InsurerPackage } from '../ports/insurer.ts';
import type { Workflow } from '../ports/workflow.ts';
import type { ApplicationDeps } from './applications.ts';

export interface PayoutDeps extends ApplicationDeps {
  workflow: Workflow;
  storage: DocumentStorage;
  insurer: () => InsurerClient;
}

export const INSURER_ACTOR = (court: string) => ({ sub: 'insurer:picc', court, roles: [] as never[] });
export const SYSTEM_ACTOR = (court: string) => ({ sub: 'system:disbursement', court, roles: [] as never[] });

export function packageIdOf(applicationId: string, submissionSeq: number): string {
  return `PKG-${applicationId}-${submissionSeq}`;
}

export function parsePackageId(
  packageId: string,
): { applicationId: string; submissionSeq: number } | undefined {
  const m = packageId.match(/^PKG-([0-9A-Z]{26})-(\d{1,4})$/);
  return m ? { applicationId: m[1] as string, submissionSeq: Number(m[2]) } : undefined;
}

export class SupersededPayoutError extends Error {
  override name = 'Superseded';
}

/** The evidence set the high court's final approval of the current submission recorded. */
export function approvedEvidence(app: ApplicationRecord): EvidenceDocument[] | undefined {
  const seq = app.submission?.seq ?? 0;
  return (app.decisions ?? []).find((d) => d.submissionSeq === seq && d.outcome === 'approved')?.documents;
}

export type Mismatch = IntegrityHold['documents'][number];

/**
 * Checks every document of the approved evidence set against its stored record and its stored
 * object (S3's own SHA-256 checksum where it has one, else the object read and hashed). Returns
 * the documents to send, or every mismatch found.
 */
export async function verifyEvidence(
  deps: PayoutDeps,
  app: ApplicationRecord,
  /** The application's documents, read with it. */
  stored: readonly DocumentRecord[],
): Promise<{ ok: true; documents: DocumentRecord[] } | { ok: false; mismatches: Mismatch[] }> {
  const evidence = approvedEvidence(app) ?? [];
  const records = new Map(stored.map((d) => [d.documentId, d]));
  const mismatches: Mismatch[] = [];
  for (const type of DOCUMENT_TYPES) {
    if (!evidence.some((e) => e.type === type))
      mismatches.push({ type, documentId: null, sha256: null, problem: 'TYPE_MISSING' });
  }
  const documents: DocumentRecord[] = [];
  for (const e of evidence) {
    const record = records.get(e.documentId);
    if (record?.status !== 'uploaded' || record.sha256 !== e.sha256) {
      mismatches.push({ ...e, problem: 'DOCUMENT_NOT_UPLOADED' });
      continue;
    }
    const actual = await deps.storage.inspect(record.s3Key);
    if (!actual) mismatches.push({ ...e, problem: 'OBJECT_MISSING' });
    else if (actual.sha256Hex !== e.sha256 || actual.sizeBytes !== record.sizeBytes)
      mismatches.push({ ...e, problem: 'OBJECT_CHANGED', actualSha256: actual.sha256Hex });
    else documents.push(record);
  }
  return mismatches.length > 0 ? { ok: false, mismatches } : { ok: true, documents };
}

/**
 * The package carries exactly the documents the high court approved (its decision's evidence
 * set), as verified by `verifyEvidence`.
 */
export async function buildPackage(
  deps: PayoutDeps,
  app: ApplicationRecord,
  verified: DocumentRecord[],
): Promise<InsurerPackage> {
  const seq = app.submission?.seq ?? 0;
  const documents = await Promise.all(
    verified.map(async (d) => {
      const link = await deps.storage.presignDownload(d.s3Key);
      return {
        type: d.type,
        sha256: d.sha256,
        url: link.url,
        urlExpiresAt: link.expiresAt,
        contentType: d.contentType,
        sizeBytes: d.sizeBytes,
      };
    }),
  );
  return {
    packageId: packageIdOf(app.id, seq),
    applicationId: app.id,
    campaignId: app.campaignId,
    caseNumber: app.case.caseNumber,
    category: app.case.category,
    reliefAmountFen: app.reliefAmountFen,
    // Canonical ID numbers (stored so since canonicalisation; applied again for older records).
    applicant: { ...app.applicant, idNumber: canonicalIdNumber(app.applicant.idNumber) },
    bankAccount: { ...app.bankAccount, holderIdNumber: canonicalIdNumber(app.bankAccount.holderIdNumber) },
    approvals: (app.decisions ?? [])
      .filter((d) => d.submissionSeq === seq)
      .map((d) => ({
        level: d.level,
        court: d.court,
        decision: d.decision,
        comment: d.comment,
        decidedBy: d.decidedBy,
        decidedAt: d.decidedAt,
      })),
    approvalForm: app.submission?.approvalForm ?? null,
    documents,
  };
}

/** Dispatch refused to send: the state machine ends in PackageWithheld, no retry. */
export class EvidenceMismatchError extends Error {
  override name = 'EvidenceMismatch';
}

/**
 * Nothing is sent. The application stays `awaiting_payout` with its quota reserved and carries an
 * integrity hold for an operator (restore the approved objects, or return the case); the audit
 * entry names every mismatching document.
 */
export async function withholdPackage(
  deps: PayoutDeps,
  app: ApplicationRecord,
  packageId: string,
  mismatches: Mismatch[],
): Promise<void> {
  const now = deps.now();
  logger.warn('package withheld', { applicationId: app.id, packageId, mismatches: mismatches.length });
  await deps.repo.update(app.id, (current) =>
    superseding(() =>
      lifecycle.withhold(
        current,
        { actor: SYSTEM_ACTOR(current.courtCode), packageId, documents: mismatches },
        now,
      ),
    ),
  );
}

/** A lifecycle refusal in the payout task: the payout was settled meanwhile (the state machine ends). */
export function superseding<T>(fn: () => T, message = 'The payout was settled meanwhile.'): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof lifecycle.LifecycleRefusal) throw new SupersededPayoutError(message);
    throw error;
  }
}

/** The insurer's event as the webhook parsed it: the payout event the lifecycle settles. */
export type InsurerEvent = lifecycle.PayoutEvent;
