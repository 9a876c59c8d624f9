import { canonicalIdNumber } from '../domain/id-number.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import { logger } from '../lib/logger.ts';
import {
  type ApplicationRecord,
  DOCUMENT_TYPES,
  type DocumentRecord,
  DuplicateEventError,
  type EvidenceDocument,
  handoffDueAt,
  type IntegrityHold,
  type OutboxItem,
} from '../ports/applications.ts';
import type { DocumentStorage } from '../ports/campaigns.ts';
import type { InsurerClient, InsurerPackage } from '../ports/insurer.ts';
import type { Workflow } from '../ports/workflow.ts';
import type { ApplicationDeps } from './applications.ts';
import { effectOptions } from './transition.ts';

export interface PayoutDeps extends ApplicationDeps {
  workflow: Workflow;
  storage: DocumentStorage;
  insurer: () => InsurerClient;
}

const INSURER_ACTOR = (court: string) => ({ sub: 'insurer:picc', court, roles: [] as never[] });
const SYSTEM_ACTOR = (court: string) => ({ sub: 'system:disbursement', court, roles: [] as never[] });

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

type Mismatch = IntegrityHold['documents'][number];

/**
 * Checks every document of the approved evidence set against its stored record and its stored
 * object (S3's own SHA-256 checksum where it has one, else the object read and hashed). Returns
 * the documents to send, or every mismatch found.
 */
async function verifyEvidence(
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

/**
 * 发放: the workflow's `.waitForTaskToken` task after the high court's approval. Verifies that every
 * approved document is still stored exactly as approved (else withholds the package: see
 * withholdPackage), records the token (so the webhook can answer it), then sends the signed package. A failure to reach the insurer
 * throws InsurerUnavailable, which the state machine retries with backoff and then escalates. The
 * package id is stable per submission, so a resend is recognisably the same package.
 */
export async function dispatchPackage(
  deps: PayoutDeps,
  input: { applicationId: string; submissionSeq: number; taskToken: string; executionName?: string },
): Promise<{ dispatched: boolean; packageId: string }> {
  // The application and its documents (which the evidence check needs) in one read.
  const { app, documents } = await deps.repo.getWithMaterials(input.applicationId);
  if (!app || app.submission?.seq !== input.submissionSeq)
    throw new SupersededPayoutError('The submission was superseded.');
  if (input.executionName !== undefined && app.submission.executionName !== input.executionName)
    throw new SupersededPayoutError('The execution is not the current one of its submission (re-driven).');
  const packageId = packageIdOf(app.id, input.submissionSeq);
  if (lifecycle.isPaidOut(app.status) || app.status === 'declined') {
    // Already settled (e.g. a resend after the insurer answered): answer at once.
    await deps.workflow.sendTaskSuccess(input.taskToken, {
      outcome: app.status === 'declined' ? 'declined' : 'paid',
    });
    return { dispatched: false, packageId };
  }
  superseding(() => lifecycle.dispatch.guard(app), `Status ${app.status} awaits no payout.`);
  const verification = await verifyEvidence(deps, app, documents);
  if (!verification.ok) {
    await withholdPackage(deps, app, packageId, verification.mismatches);
    throw new EvidenceMismatchError(
      `Package ${packageId} withheld: ${verification.mismatches.length} approved document(s) no longer match.`,
    );
  }
  const now = deps.now();
  const stored = await deps.repo.update(app.id, (current) =>
    superseding(() =>
      lifecycle.dispatch(
        current,
        {
          actor: SYSTEM_ACTOR(current.courtCode),
          packageId,
          taskToken: input.taskToken,
          documents: verification.documents,
        },
        now,
      ),
    ),
  );
  const pkg = await buildPackage(deps, stored, verification.documents);
  await deps.insurer().send(pkg);
  logger.info('package sent', { packageId, documents: pkg.documents.length });
  return { dispatched: true, packageId };
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
async function withholdPackage(
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
function superseding<T>(fn: () => T, message = 'The payout was settled meanwhile.'): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof lifecycle.LifecycleRefusal) throw new SupersededPayoutError(message);
    throw error;
  }
}

/** The insurer's event as the webhook parsed it: the payout event the lifecycle settles. */
export type InsurerEvent = lifecycle.PayoutEvent;

class StateChanged extends Error {}

/** The insurer's answer: the event took effect (its outcome), or it had before (a duplicate). */
export type WebhookReceipt =
  | { received: true; duplicate: true }
  | { received: true; status: 'paid' | 'declined' };

/**
 * `POST /insurer/webhooks` after its signature verified. Each event id takes effect once (the id is
 * written in the same transaction as its effect); it must name a package that actually waits; a
 * success must carry exactly the approved amount. Anomalies on a known application are put on its
 * audit trail.
 */
export async function handleInsurerEvent(
  deps: Omit<PayoutDeps, 'storage' | 'insurer'>,
  event: InsurerEvent,
): Promise<WebhookReceipt> {
  const duplicate: WebhookReceipt = { received: true, duplicate: true };
  // No up-front read of the event id: every effect and every anomaly is written with the event's mark
  // (insurerEvent, conditioned on its absence), so a repeated event is found where it would act.
  const ref = parsePackageId(event.packageId);
  const app = ref ? await deps.repo.get(ref.applicationId) : undefined;
  if (!ref || !app || app.payout?.packageId !== event.packageId) {
    // A package that no longer waits under this id (a later submission) may have taken this event before.
    if (await deps.repo.hasInsurerEvent(event.id)) return duplicate;
    logger.warn('webhook.rejected', { reason: 'UNKNOWN_PACKAGE', eventType: event.type });
    throw new NotFoundError('No package with this id awaits a payout.');
  }
  const eventMark = { id: event.id, type: event.type, packageId: event.packageId };
  /** Records an anomaly with the event id; false when that event id was processed meanwhile (a duplicate). */
  const anomaly = async (code: string, detail: Record<string, unknown>): Promise<boolean> => {
    const logged = () =>
      logger.warn('webhook.rejected', { reason: code, applicationId: app.id, eventType: event.type });
    return deps.repo
      .update(
        app.id,
        (current) => ({
          next: {
            ...current,
            payoutFlags: [
              ...(current.payoutFlags ?? []),
              {
                code,
                eventId: event.id,
                ...(event.amountFen !== undefined ? { amountFen: event.amountFen } : {}),
                at: deps.now().toISOString(),
              },
            ],
          },
          audit: {
            actor: INSURER_ACTOR(current.courtCode),
            action: 'payout.flagged',
            fromStatus: current.status,
            toStatus: current.status,
            detail: { code, eventId: event.id, eventType: event.type, packageId: event.packageId, ...detail },
          },
        }),
        { insurerEvent: eventMark },
      )
      .then(
        () => {
          logged();
          return true;
        },
        (error) => {
          if (error instanceof DuplicateEventError) return false;
          throw error;
        },
      );
  };

  if (app.status !== 'awaiting_payout') {
    // The same event delivered twice at once: the other delivery settled it.
    if (await deps.repo.hasInsurerEvent(event.id)) return duplicate;
    if (!(await anomaly('PACKAGE_NOT_AWAITING_PAYOUT', { status: app.status }))) return duplicate;
    throw new ConflictError(
      'PACKAGE_NOT_AWAITING_PAYOUT',
      `The package is not awaiting a payout (status ${app.status}).`,
    );
  }
  if (event.type === 'payout.succeeded' && event.amountFen !== app.reliefAmountFen) {
    if (
      !(await anomaly('AMOUNT_MISMATCH', {
        expectedFen: app.reliefAmountFen,
        receivedFen: event.amountFen ?? null,
      }))
    ) {
      return duplicate;
    }
    throw new UnprocessableError(
      'AMOUNT_MISMATCH',
      'The amount differs from the approved relief amount; flagged for follow-up, not paid.',
    );
  }
  if (event.type === 'payout.succeeded' && (!event.transactionRef || !event.paidAt)) {
    throw new UnprocessableError(
      'PAYOUT_INCOMPLETE',
      'A payout.succeeded event needs transactionRef and paidAt.',
    );
  }

  const paid = event.type === 'payout.succeeded';
  const now = deps.now();
  const at = now.toISOString();
  let effects: lifecycle.Effects = {};
  try {
    await deps.repo.update(
      app.id,
      (current) => {
        try {
          const t = lifecycle.settlePayout(current, { actor: INSURER_ACTOR(current.courtCode), event }, now);
          effects = t.effects;
          return t;
        } catch (error) {
          if (error instanceof lifecycle.LifecycleRefusal) throw new StateChanged();
          throw error;
        }
      },
      (current) => {
        const options = effectOptions(current, effects);
        return {
          ...options,
          insurerEvent: eventMark,
          // The hand-off to the waiting payout task follows the response (handOff, fed by the stream).
          ...(options.outbox && current.payout?.taskToken
            ? {
                outbox: options.outbox.map((item) => ({
                  ...item,
                  handoff: {
                    token: current.payout?.taskToken as string,
                    output: { outcome: paid ? 'paid' : 'declined' },
                  },
                  dueAt: handoffDueAt(at),
                })),
              }
            : {}),
        };
      },
    );
  } catch (error) {
    if (error instanceof DuplicateEventError) return duplicate;
    if (error instanceof StateChanged) {
      if (await deps.repo.hasInsurerEvent(event.id)) return duplicate;
      if (!(await anomaly('PACKAGE_NOT_AWAITING_PAYOUT', { raced: true }))) return duplicate;
      throw new ConflictError('PACKAGE_NOT_AWAITING_PAYOUT', 'The package was settled by another event.');
    }
    throw error;
  }
  // The workflow learns the outcome after the response: the outbox item's hand-off (usecases/hand-off.ts).
  return { received: true, status: paid ? 'paid' : 'declined' };
}

/** Tells the waiting workflow how the payout ended; completes the outbox item. Safe to repeat. */
export async function deliverPayout(
  deps: Pick<PayoutDeps, 'repo' | 'workflow'>,
  item: Extract<OutboxItem, { kind: 'deliver-payout' }>,
  /** The application as the caller just wrote it (no need to read it again). */
  written?: ApplicationRecord,
) {
  const app = written ?? (await deps.repo.get(item.applicationId));
  const token = app?.payout?.taskToken;
  if (!app || !token || app.submission?.seq !== item.submissionSeq) {
    await deps.repo.completeOutbox(item);
    return 'obsolete' as const;
  }
  const result = await deps.workflow.sendTaskSuccess(token, { outcome: item.outcome });
  await deps.repo.completeOutbox(item);
  return result;
}
