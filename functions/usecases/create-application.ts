import * as lifecycle from '../domain/lifecycle.ts';
import type { Principal } from '../lib/auth.ts';
import type { ApplicationRecord } from '../ports/applications.ts';
import { type IdempotentWrite, idempotentVia } from '../ports/idempotency.ts';
import {
  type ApplicationDeps,
  assertEligible,
  type CreateApplicationInput,
  duplicateKeyOf,
  executingCourtOf,
  factsOf,
  openCampaign,
  routingOf,
  toDuplicateConflict,
} from './applications.ts';

/** 创建救助申请: a clerk of the executing court creates one application for one applicant in one case. */
export async function createApplication(
  deps: ApplicationDeps,
  principal: Principal,
  input: CreateApplicationInput,
  idempotency?: IdempotentWrite<ApplicationRecord>,
): Promise<ApplicationRecord> {
  const courts = await deps.courts.registry();
  const court = executingCourtOf(courts, principal);
  const campaign = await openCampaign(deps, input.campaignId);
  const now = deps.now();
  const facts = factsOf(input);
  const eligibility = assertEligible(facts, campaign, court, now);
  const created = lifecycle.create(
    {
      ...facts,
      id: deps.newId(),
      campaignId: campaign.id,
      courtCode: court.code,
      eligibility,
      duplicateKey: duplicateKeyOf(facts),
      ...routingOf(courts, court.code),
    },
    principal,
    now,
  );
  const app = created.next;
  try {
    await deps.repo.create(
      app,
      created.audit,
      idempotentVia(idempotency, () => app),
    );
  } catch (error) {
    toDuplicateConflict(error);
  }
  return app;
}
