import * as lifecycle from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import { type ApplicationRecord, VersionConflictError } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import {
  type ApplicationDeps,
  assertEligible,
  duplicateKeyOf,
  executingCourtOf,
  factsOf,
  loadForClerk,
  openCampaign,
  type PatchApplicationInput,
  toDuplicateConflict,
  versionConflict,
} from './applications.ts';
import { applying, effectOptions, refusing } from './transition.ts';

/** 修改申请: whole top-level fields replace the stored ones; a returned application goes back to draft. */
export async function patchApplication(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  expectedVersion: number,
  patch: PatchApplicationInput,
  idempotency?: IdempotentWrite<ApplicationRecord>,
): Promise<ApplicationRecord> {
  const app = await loadForClerk(deps, principal, id);
  if (app.version !== expectedVersion) throw versionConflict();
  refusing(() => lifecycle.edit.guard(app));
  const campaign = await openCampaign(deps, app.campaignId);
  const court = executingCourtOf(await deps.courts.registry(), principal);
  const now = deps.now();
  const facts = factsOf({ ...factsOf(app), ...patch });
  const eligibility = assertEligible(facts, campaign, court, now, app.createdAt);
  const input = {
    actor: principal,
    facts,
    eligibility,
    duplicateKey: duplicateKeyOf(facts),
    fields: Object.keys(patch).sort(),
  };
  // Options as an object (with expectedVersion): the version check makes `app` the record mutated.
  const [mutate] = applying((current) => lifecycle.edit(current, input, now));
  try {
    return await deps.repo.update(id, mutate, {
      expectedVersion,
      ...effectOptions(app, lifecycle.edit(app, input, now).effects),
      idempotency,
    });
  } catch (error) {
    if (error instanceof VersionConflictError) throw versionConflict();
    return toDuplicateConflict(error);
  }
}
