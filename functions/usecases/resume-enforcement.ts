import { canonicalIdNumber } from '../domain/id-number.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import { UnprocessableError } from '../lib/errors.ts';
import type { ApplicationRecord } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk } from './applications.ts';
import { applying, refusing } from './transition.ts';

/** 恢复执行: on the court's own authority, capped at the relief amount paid. */
export async function resumeEnforcement(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  request: {
    reason: 'assets-found' | 'evasion';
    basis: string;
    amountFen: number;
    debtors?: string[] | undefined;
  },
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  // Resumption is against named debtors (三.4): each one of the application's, by canonical ID number.
  const named = (request.debtors ?? []).map((n) => canonicalIdNumber(n));
  const known = new Set((app.debtors ?? []).map((d) => d.idNumber));
  if (known.size > 0 && named.length === 0)
    throw new UnprocessableError(
      'RESUMPTION_DEBTOR_REQUIRED',
      'Name the debtor(s) enforcement resumes against.',
      {
        errors: [{ code: 'RESUMPTION_DEBTOR_REQUIRED', path: 'debtors', message: 'At least one debtor.' }],
      },
    );
  const unknown = named.findIndex((n) => !known.has(n));
  if (unknown >= 0)
    throw new UnprocessableError(
      'UNKNOWN_DEBTOR',
      'Enforcement resumes only against a debtor of the application.',
      {
        errors: [
          {
            code: 'UNKNOWN_DEBTOR',
            path: `debtors[${unknown}]`,
            message: 'Not a debtor of this application.',
          },
        ],
      },
    );
  const input = {
    reason: request.reason,
    basis: request.basis,
    amountFen: request.amountFen,
    ...(named.length > 0 ? { debtors: [...new Set(named)] } : {}),
  };
  const now = deps.now();
  const step = (current: ApplicationRecord) =>
    lifecycle.resume(current, { actor: principal, resumption: input }, now);
  refusing(() => step(app));
  return deps.repo.update(id, ...applying(step, () => ({ idempotency })));
}
