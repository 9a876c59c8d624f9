import { createHash } from 'node:crypto';
import {
  type ApprovedPackage,
  decodeStatement,
  parseStatement,
  reconcile,
  StatementError,
} from '../domain/reconciliation.ts';
import type { Principal } from '../lib/auth.ts';
import { NotFoundError, UnprocessableError } from '../lib/errors.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';
import type { StoredReconciliation } from '../ports/reconciliations.ts';
import { assertSpcAdmin, type ReconciliationDeps } from './reconciliations.ts';

/** Every package the system sent to the insurer in the campaign (the applications with a payout). */
async function packagesOf(deps: ReconciliationDeps, campaignId: string): Promise<ApprovedPackage[]> {
  const out: ApprovedPackage[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.repo.list(
      { kind: 'campaign', campaignId },
      { campaignId, limit: 200, ...(cursor ? { cursor } : {}) },
    );
    for (const app of page.items) {
      if (!app.payout) continue;
      out.push({
        packageId: app.payout.packageId,
        applicationId: app.id,
        status: app.status,
        amountFen: app.reliefAmountFen,
        ...(app.payout.transactionRef ? { transactionRef: app.payout.transactionRef } : {}),
      });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * 对账 (spc-admin): the insurer's statement (CSV bytes, UTF-8 or GBK) against the packages the
 * system sent. A statement that does not parse is 422 STATEMENT_INVALID naming each row and column
 * and nothing is stored; otherwise the result is stored once (its own record: who, when, the
 * statement's SHA-256) with the Idempotency-Key in the same write.
 */
export async function recordReconciliation(
  deps: ReconciliationDeps,
  principal: Principal,
  campaignId: string,
  statement: Buffer,
  idempotency?: IdempotentWrite<StoredReconciliation>,
): Promise<StoredReconciliation> {
  assertSpcAdmin(principal);
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError('Unknown campaign.');
  let decoded: ReturnType<typeof decodeStatement>;
  let rows: ReturnType<typeof parseStatement>;
  try {
    decoded = decodeStatement(statement);
    rows = parseStatement(decoded.text);
  } catch (error) {
    if (!(error instanceof StatementError)) throw error;
    throw new UnprocessableError(
      'STATEMENT_INVALID',
      `The statement was refused: ${error.issues[0]?.message ?? ''}${error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : ''}`,
      { errors: error.issues },
    );
  }
  const result = reconcile(rows, await packagesOf(deps, campaignId));
  const id = deps.newId();
  const rec: StoredReconciliation = {
    id,
    campaignId,
    recordedAt: deps.now().toISOString(),
    recordedBy: { sub: principal.sub, court: principal.court, roles: [...principal.roles] },
    statement: {
      sha256: createHash('sha256').update(statement).digest('hex'),
      sizeBytes: statement.length,
      encoding: decoded.encoding,
    },
    ...result,
  };
  await deps.reconciliations.put(
    rec,
    idempotentVia(idempotency, () => rec),
  );
  return rec;
}
